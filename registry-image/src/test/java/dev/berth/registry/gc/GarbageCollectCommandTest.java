package dev.berth.registry.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.content.BlobRefresh;
import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.storage.BlobVersion;
import dev.berth.registry.storage.FilesystemStorage;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code garbage-collect} as an operator runs it, in its own JVM beside a serving registry:
 * options, exit status, the report lines, and a dry run before the real one.
 */
class GarbageCollectCommandTest {

    private static Path root;
    private static Path config;
    private static RegistryProcess registry;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("berth-gc-cmd-");
        config = root.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + root.resolve("data")
                + "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:5000\n");
        registry = RegistryProcess.start("gc-cmd", RegistryProcess.Launch.TEST_CLASSPATH,
                Map.of("REGISTRY_CONFIGURATION_PATH", config.toString()), GarbageCollectionScenarios.JVM, null);
        registry.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        RunningRegistry.deleteTree(root);
    }

    private static Command garbageCollect(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + BlobRefresh.PROPERTY + "=" + GarbageCollectionScenarios.REFRESH_SECONDS,
                "-XX:TieredStopAtLevel=1", "-cp", RegistryProcess.testClasspath(), "dev.berth.registry.Main",
                "garbage-collect"));
        command.addAll(List.of(args));
        return Command.run(command, 120);
    }

    @Test
    void aDryRunReportsWhatTheRealRunThenFrees() throws Exception {
        RegistryClient client = new RegistryClient(registry.base());
        TestImage deleted = TestImage.push(client, "cmd/app", "old", null, Blobs.random(5000));
        TestImage kept = TestImage.push(client, "cmd/app", "new", null, Blobs.random(6000));
        assertEquals(202, client.delete("/v2/cmd/app/manifests/" + deleted.digest()).status());
        FilesystemStorage storage = new FilesystemStorage(root.resolve("data"));
        List<BlobVersion> garbage = new ArrayList<>();
        for (String blob : deleted.blobs().keySet()) {
            garbage.add(storage.blobVersion(GarbageCollectionScenarios.digest(blob)).orElseThrow());
        }
        GarbageCollectionScenarios.olderThanGrace();

        Command dry = garbageCollect("--dry-run", "--grace=3s", config.toString());
        assertEquals(0, dry.exitCode(), dry::output);
        assertTrue(dry.output().contains("blobs: ") && dry.output().contains("would free 3 ("), dry::output);
        assertTrue(dry.output().contains("garbage collection dry run done"), dry::output);
        garbage.forEach(v -> assertTrue(Files.exists(Path.of(v.location())), "a dry run deleted " + v.digest()));

        Command real = garbageCollect("--grace=3s", config.toString());
        assertEquals(0, real.exitCode(), real::output);
        assertTrue(real.output().contains("freed 3 ("), real::output);
        assertTrue(real.output().contains("repository links of freed blobs: removed 2"), real::output);
        garbage.forEach(v -> assertFalse(Files.exists(Path.of(v.location())), "not freed: " + v.digest()));
        kept.assertPullsIdentically(client);

        Command again = garbageCollect("--grace=3s", config.toString());
        assertTrue(again.output().contains("freed 0 (0 bytes)"), again::output);
    }

    @Test
    void aGraceBelowTwiceTheRefreshAgeOrAnUnknownOptionIsAUsageError() throws Exception {
        Command short_ = garbageCollect("--grace=1s", config.toString());
        assertEquals(2, short_.exitCode(), short_::output);
        assertTrue(short_.output().contains("--grace must be at least 2s"), short_::output);
        Command unknown = garbageCollect("--force", config.toString());
        assertEquals(2, unknown.exitCode(), unknown::output);
        assertTrue(unknown.output().contains("unknown option --force"), unknown::output);
        Command bad = garbageCollect("--grace=soon", config.toString());
        assertEquals(2, bad.exitCode(), bad::output);
    }

    @Test
    void anUnusableConfigurationFailsWithStatusOne() throws Exception {
        Path broken = Files.writeString(root.resolve("broken.yml"), "http:\n  addr: 127.0.0.1:70000\n");
        Command result = garbageCollect("--dry-run", broken.toString());
        assertEquals(1, result.exitCode(), result::output);
        assertTrue(result.output().contains("invalid configuration"), result::output);
    }
}
