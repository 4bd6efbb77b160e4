package dev.berth.registry.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.BlobVersion;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Collections against a registry process that keeps serving, as an operator runs them: the
 * registry refreshes blobs older than {@link #REFRESH_SECONDS} (so that the tests need not wait
 * a day) and the collector's grace is {@link #GRACE}; a test ages what it pushed by waiting.
 * Each backend's test class runs these against its own storage.
 */
abstract class GarbageCollectionScenarios {

    static final int REFRESH_SECONDS = 1;
    static final Duration GRACE = Duration.ofSeconds(3);
    /** JVM options of the registry processes the subclasses start. */
    static final java.util.List<String> JVM = java.util.List.of("-Xmx192m", "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC", "-D" + dev.berth.registry.content.BlobRefresh.PROPERTY + "=" + REFRESH_SECONDS);

    /** A client of the running registry. */
    abstract RegistryClient client();

    /** The registry's storage, opened by the test itself (as the garbage-collect command does). */
    abstract Storage storage();

    /** Whether the bytes a blob version names are still stored (not only whether the blob is visible). */
    abstract boolean dataStored(BlobVersion version) throws IOException;

    GcReport collect(boolean dryRun, boolean deleteUntagged) throws IOException {
        return collect(dryRun, deleteUntagged, GRACE);
    }

    GcReport collect(boolean dryRun, boolean deleteUntagged, Duration grace) throws IOException {
        return new GarbageCollector(storage(), new GcOptions(dryRun, deleteUntagged, grace, Optional.empty()),
                Clock.systemUTC()).run();
    }

    static void olderThanGrace() throws InterruptedException {
        Thread.sleep(GRACE.toMillis() + 1200); // S3 times have whole seconds
    }

    Map<String, BlobVersion> versions(TestImage image) throws IOException {
        Map<String, BlobVersion> versions = new HashMap<>();
        versions.put(image.digest(), storage().blobVersion(digest(image.digest())).orElseThrow());
        for (String blob : image.blobs().keySet()) {
            versions.put(blob, storage().blobVersion(digest(blob)).orElseThrow());
        }
        return versions;
    }

    void assertFreed(Map<String, BlobVersion> versions) throws IOException {
        for (BlobVersion version : versions.values()) {
            assertEquals(Optional.empty(), storage().blobVersion(version.digest()), version.digest()::toString);
            assertFalse(dataStored(version), () -> "data of " + version.digest() + " still stored");
        }
    }

    static Digest digest(String text) {
        return Digest.parse(text).orElseThrow();
    }

    static String repository(String hint) {
        return "gc/" + hint + "-" + Long.toHexString(System.nanoTime());
    }

    @Test
    void aDryRunFindsGarbageAndChangesNothing() throws Exception {
        String repo = repository("dry");
        TestImage deleted = TestImage.push(client(), repo, "gone", null, Blobs.random(1500));
        TestImage kept = TestImage.push(client(), repo, "kept", null, Blobs.random(1600));
        assertEquals(202, client().delete("/v2/" + repo + "/manifests/" + deleted.digest()).status());
        Map<String, BlobVersion> before = versions(deleted);
        olderThanGrace();

        GcReport report = collect(true, false);

        assertTrue(report.blobsFreed() >= 3, report::toString);
        assertTrue(report.bytesFreed() >= 1500, report::toString);
        for (BlobVersion version : before.values()) {
            assertEquals(Optional.of(version), storage().blobVersion(version.digest()));
            assertTrue(dataStored(version));
        }
        for (String blob : deleted.blobs().keySet()) {
            assertTrue(storage().read(StoragePaths.layerLink(repo, digest(blob))).isPresent(), "link kept");
        }
        kept.assertPullsIdentically(client());
    }

    @Test
    void freedBlobsAreGoneFromStorageAndKeptImagesPullByteIdentical() throws Exception {
        String repo = repository("free");
        byte[] shared = Blobs.random(2500);
        TestImage deleted = TestImage.push(client(), repo, "a", null, shared, Blobs.random(2100));
        TestImage kept = TestImage.push(client(), repo, "b", null, shared);
        assertEquals(202, client().delete("/v2/" + repo + "/manifests/" + deleted.digest()).status());
        Map<String, BlobVersion> garbage = versions(deleted);
        garbage.remove(Blobs.sha256(shared));
        olderThanGrace();

        GcReport report = collect(false, false);

        assertTrue(report.blobsFreed() >= 3, report::toString);
        assertFreed(garbage);
        kept.assertPullsIdentically(client());
        for (String blob : garbage.keySet()) {
            assertEquals(404, client().head("/v2/" + repo + "/blobs/" + blob).status());
            assertFalse(storage().read(StoragePaths.layerLink(repo, digest(blob))).isPresent(), "link removed");
        }
        assertTrue(storage().read(StoragePaths.layerLink(repo, digest(Blobs.sha256(shared)))).isPresent());
    }

    @Test
    void aBlobUploadedJustBeforeItsManifestSurvivesACollectionBetweenThem() throws Exception {
        String repo = repository("grace");
        // A longer grace here: the two uploads and the collection's start must fit in it on a busy machine.
        Duration grace = Duration.ofSeconds(8);
        TestImage garbage = TestImage.push(client(), repo, "old", null, Blobs.random(900));
        assertEquals(202, client().delete("/v2/" + repo + "/manifests/" + garbage.digest()).status());
        Map<String, BlobVersion> garbageVersions = versions(garbage);
        Thread.sleep(grace.toMillis() + 1200);
        byte[] config = Blobs.config();
        byte[] layer = Blobs.random(1234);
        String configDigest = client().pushBlob(repo, config);
        String layerDigest = client().pushBlob(repo, layer);

        collect(false, false, grace); // between the layer's upload and its manifest

        assertFreed(garbageVersions); // the collection did free what was old
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, layerDigest, String.valueOf(layer.length));
        String digest = client().pushManifest(repo, "new", Blobs.OCI_MANIFEST, manifest);
        new TestImage(repo, digest, Blobs.OCI_MANIFEST, manifest, Map.of(configDigest, config, layerDigest, layer))
                .assertPullsIdentically(client());
    }

    @Test
    void anOldBlobThatAPushReferencesAfterTheMarkIsKept() throws Exception {
        String repo = repository("race");
        TestImage earlier = TestImage.push(client(), repo, "earlier", null, Blobs.random(1800));
        assertEquals(202, client().delete("/v2/" + repo + "/manifests/" + earlier.digest()).status());
        olderThanGrace(); // its blobs are unreferenced, still linked, and older than the grace
        String configDigest = earlier.blobs().keySet().iterator().next();
        String layerDigest = earlier.blobs().keySet().stream().skip(1).findFirst().orElseThrow();
        byte[] manifest = Blobs.imageManifest(Blobs.OCI_MANIFEST, Blobs.OCI_CONFIG, configDigest,
                earlier.blobs().get(configDigest).length, null, "\"annotations\":{\"pushed\":\"again\"}",
                layerDigest, String.valueOf(earlier.blobs().get(layerDigest).length));
        AtomicReference<String> pushed = new AtomicReference<>();

        // A client that finds the blobs present (HEAD) pushes only the manifest, after the mark.
        GcReport report = new GarbageCollector(storage(), new GcOptions(false, false, GRACE, Optional.empty()),
                Clock.systemUTC(), () -> pushed.set(client().pushManifest(repo, "again", Blobs.OCI_MANIFEST, manifest)))
                .run();

        assertNotEquals(null, pushed.get());
        new TestImage(repo, pushed.get(), Blobs.OCI_MANIFEST, manifest, earlier.blobs()).assertPullsIdentically(client());
        // Not vacuous: the earlier manifest itself, unreferenced and old, was freed by the same sweep.
        assertEquals(Optional.empty(), storage().blobVersion(digest(earlier.digest())), report::toString);
    }

    @Test
    void deleteUntaggedFreesUntaggedManifestsAndKeepsWhatTagsReach() throws Exception {
        String repo = repository("untagged");
        TestImage tagged = TestImage.push(client(), repo, "v1", null, Blobs.random(700));
        TestImage untagged = TestImage.push(client(), repo, null, null, Blobs.random(710));
        TestImage referrer = TestImage.push(client(), repo, null, tagged.asSubject(), Blobs.random(720));
        TestImage child = TestImage.push(client(), repo, null, null, Blobs.random(730));
        TestImage index = TestImage.index(client(), repo, "multi", child);
        Map<String, BlobVersion> untaggedVersions = versions(untagged);
        olderThanGrace();

        GcReport report = collect(false, true);

        assertTrue(report.untaggedManifestsDeleted() >= 1, report::toString);
        assertEquals(404, client().get("/v2/" + repo + "/manifests/" + untagged.digest(), "Accept",
                Blobs.OCI_MANIFEST).status());
        assertFreed(untaggedVersions);
        for (TestImage image : new TestImage[] {tagged, referrer, child, index}) {
            image.assertPullsIdentically(client());
        }
        RegistryClient.Response referrers = client().get("/v2/" + repo + "/referrers/" + tagged.digest());
        assertTrue(referrers.text().contains(referrer.digest()), referrers::text);
    }

    @Test
    void everyKindOfReferenceKeepsItsBlobs() throws Exception {
        String repo = repository("kinds");
        TestImage untagged = TestImage.push(client(), repo, null, null, Blobs.random(600));
        TestImage subject = TestImage.push(client(), repo, "subject", null, Blobs.random(610));
        TestImage referrer = TestImage.push(client(), repo, null, subject.asSubject(), Blobs.random(620));
        TestImage child1 = TestImage.push(client(), repo, null, null, Blobs.random(630));
        TestImage child2 = TestImage.push(client(), repo, null, null, Blobs.random(640));
        TestImage index = TestImage.index(client(), repo, "index", child1, child2);
        TestImage outer = TestImage.index(client(), repo, null, index);
        olderThanGrace();

        collect(false, false);

        for (TestImage image : new TestImage[] {untagged, subject, referrer, child1, child2, index, outer}) {
            image.assertPullsIdentically(client());
        }
    }
}
