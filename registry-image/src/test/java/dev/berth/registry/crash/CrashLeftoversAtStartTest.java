package dev.berth.registry.crash;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.http.PushedImage;
import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registry killed with SIGKILL, its folder left with what a kill in the middle of writes
 * leaves (a 0-byte temporary file, upload folders without data or description, all older than
 * the leftover age), then started again: the leftovers are gone shortly after the start, while
 * the image and the upload in progress it had are intact.
 */
class CrashLeftoversAtStartTest {

    private static final String REPO = "crash/leftovers";

    @Test
    void leftoversOfAKilledRegistryAreRemovedWhenItStartsAgain() throws Exception {
        Path root = Files.createTempDirectory("berth-leftovers-");
        Map<String, String> env = Map.of("REGISTRY_HTTP_SECRET", "leftover-secret",
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString());
        try {
            RegistryProcess first = start(env);
            RegistryClient client = new RegistryClient(first.base());
            PushedImage image = PushedImage.push(client, REPO, "v1");
            byte[] chunk = Blobs.random(64 * 1024);
            String location = client.startUpload(REPO);
            RegistryClient.Response patched = client.patch(location, chunk, "Content-Type", "application/octet-stream");
            assertEquals(202, patched.status(), patched::toString);
            first.kill();

            FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
            Path tags = root.resolve("repositories/" + REPO + "/_manifests/tags");
            Path temp = Files.createFile(tags.resolve(".tmp-" + java.util.UUID.randomUUID()));
            Path withoutInfo = Files.createDirectories(root.resolve("uploads/" + java.util.UUID.randomUUID()));
            Files.createFile(withoutInfo.resolve("data"));
            Path empty = Files.createDirectories(root.resolve("uploads/" + java.util.UUID.randomUUID()));
            for (Path p : List.of(temp, withoutInfo.resolve("data"), withoutInfo, empty)) {
                Files.setLastModifiedTime(p, old);
            }

            try (RegistryProcess second = start(env)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while ((Files.exists(temp) || Files.exists(withoutInfo) || Files.exists(empty))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(Files.notExists(temp) && Files.notExists(withoutInfo) && Files.notExists(empty),
                        second::log);
                assertTrue(second.log().contains("removed 3 leftover(s)"), second::log);

                RegistryClient after = new RegistryClient(second.base());
                assertArrayEquals(image.manifest(), after.get("/v2/" + REPO + "/manifests/v1").body());
                RegistryClient.Response done = after.put(withQuery(patched.requireHeader("Location"),
                        "digest=" + Blobs.sha256(chunk)), new byte[0]);
                assertEquals(201, done.status(), () -> done + "\n" + second.log());
            }
        } finally {
            RunningRegistry.deleteTree(root);
        }
    }

    private static RegistryProcess start(Map<String, String> env) throws Exception {
        return RegistryProcess.start("leftovers", RegistryProcess.Launch.TEST_CLASSPATH, env, List.of("-Xmx128m"),
                null).awaitReady();
    }
}
