package dev.berth.registry.gc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.BlobVersion;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.s3.S3ProxyFixture;
import dev.berth.registry.storage.s3.S3StorageFactory;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * {@link GarbageCollectionScenarios} on an S3 bucket (S3Proxy) that a registry process keeps
 * serving from, plus what only S3 leaves behind: data objects no pointer names.
 */
class S3GarbageCollectionTest extends GarbageCollectionScenarios {

    private static S3ProxyFixture s3;
    private static String bucket;
    private static RegistryProcess registry;
    private static RegistryClient client;
    private static Storage storage;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.get();
        bucket = s3.newBucket();
        Map<String, String> env = new HashMap<>(s3.registryEnvironment(bucket));
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        env.put("REGISTRY_STORAGE_REDIRECT_DISABLE", "true");
        registry = RegistryProcess.start("gc-s3", RegistryProcess.Launch.TEST_CLASSPATH, env, JVM, null);
        registry.awaitReady();
        client = new RegistryClient(registry.base());
        storage = S3StorageFactory.create(s3.settings(bucket, "", 5L * 1024 * 1024), false);
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @Override
    RegistryClient client() {
        return client;
    }

    @Override
    Storage storage() {
        return storage;
    }

    @Override
    boolean dataStored(BlobVersion version) {
        try {
            s3.admin().headObject(b -> b.bucket(bucket).key(version.location()));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void dataObjectsNoPointerNamesAreCollectedOnceOld() throws Exception {
        String orphan = "blobdata/" + UUID.randomUUID() + "/data";
        s3.admin().putObject(b -> b.bucket(bucket).key(orphan), RequestBody.fromBytes(Blobs.random(4321)));
        String repo = repository("orphans");
        TestImage kept = TestImage.push(client, repo, "kept", null, Blobs.random(999));
        olderThanGrace();

        GcReport dry = collect(true, false);
        assertTrue(dry.orphanDataFreed() >= 1 && dry.orphanBytesFreed() >= 4321, dry::toString);
        assertTrue(exists(orphan), "a dry run deletes nothing");

        // Written just before the collection starts, so younger than its cutoff however long it takes.
        String young = "blobdata/" + UUID.randomUUID() + "/data";
        s3.admin().putObject(b -> b.bucket(bucket).key(young), RequestBody.fromBytes(Blobs.random(10)));
        GcReport real = collect(false, false);
        assertTrue(real.orphanDataFreed() >= 1 && real.orphanBytesFreed() >= 4321, real::toString);
        assertTrue(!exists(orphan), "the orphan is gone");
        assertTrue(exists(young), "a data object younger than the grace stays (its pointer may be on its way)");
        kept.assertPullsIdentically(client);
    }

    private static boolean exists(String key) {
        return s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(key)).keyCount() > 0;
    }
}
