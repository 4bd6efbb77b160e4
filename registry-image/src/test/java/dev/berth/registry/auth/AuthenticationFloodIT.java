package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.AuthFlood;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password flood against the packaged jar with the image's JVM flags and the default
 * limits: 50 client addresses guessing for 12 s (cost-10 hashes), while the health check and a
 * valid user's request stay fast and the process stays up. Before, with bcrypt on the request's
 * virtual thread, /healthz took 9.4 s here.
 */
class AuthenticationFloodIT {

    private static final List<String> IMAGE_JVM_FLAGS = List.of("-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=40",
            "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

    @TempDir
    Path folder;

    @Test
    void theJarStaysResponsiveAndAliveUnderAPasswordFlood() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 10, "alice", "wonder land", "bob", "builder");
        Path data = Files.createDirectory(folder.resolve("data"));
        Map<String, String> env = Map.of(
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", data.toString(),
                "REGISTRY_AUTH_HTPASSWD_REALM", "flood",
                "REGISTRY_AUTH_HTPASSWD_PATH", htpasswd.toString());
        try (RegistryProcess registry = RegistryProcess.start("flood", RegistryProcess.Launch.JAR, env,
                IMAGE_JVM_FLAGS, null)) {
            long start = System.nanoTime();
            registry.awaitReady("/healthz");
            System.out.println("ready after " + (System.nanoTime() - start) / 1_000_000 + " ms");
            RegistryClient client = new RegistryClient(registry.base());
            String bob = Htpasswd.basic("bob", "builder");
            assertEquals(200, client.get("/v2/", "Authorization", bob).status());

            AuthFlood.Result result = AuthFlood.run(registry.base(), 50, Duration.ofSeconds(12), bob);

            System.out.println("flood (jar) done after " + (System.nanoTime() - start) / 1_000_000 + " ms: "
                    + result.summary());
            assertTrue(registry.isAlive(), "the registry died:\n" + registry.log());
            assertEquals(Set.of(200), result.probeStatuses().keySet(), result.summary());
            assertTrue(result.p95(result.health()) < 1_000, result.summary());
            assertTrue(result.p95(result.user()) < 1_000, result.summary());
            assertTrue(Set.of(401, 429).containsAll(result.attackStatuses().keySet()), result.summary());
            assertTrue(result.attackStatuses().getOrDefault(429, 0) > 0, result.summary());
            assertEquals(200, client.get("/v2/", "Authorization", bob).status());
            RegistryClient.Response refused = client.get("/v2/", "Authorization", Htpasswd.basic("alice", "guess"));
            assertTrue(Set.of(401, 429).contains(refused.status()), refused.toString());
        }
    }
}
