package dev.berth.registry.gc;

import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.storage.BlobVersion;
import dev.berth.registry.storage.FilesystemStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link GarbageCollectionScenarios} on a storage folder that a registry process keeps serving from. */
class FilesystemGarbageCollectionTest extends GarbageCollectionScenarios {

    private static Path root;
    private static RegistryProcess registry;
    private static RegistryClient client;
    private static Storage storage;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("berth-gc-");
        registry = RegistryProcess.start("gc-fs", RegistryProcess.Launch.TEST_CLASSPATH, Map.of(
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString(),
                "REGISTRY_STORAGE_DELETE_ENABLED", "true"), JVM, null);
        registry.awaitReady();
        client = new RegistryClient(registry.base());
        storage = new FilesystemStorage(root);
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        RunningRegistry.deleteTree(root);
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
        return Files.exists(Path.of(version.location()));
    }
}
