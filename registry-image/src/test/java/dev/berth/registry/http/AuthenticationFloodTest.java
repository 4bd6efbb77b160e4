package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.AuthFlood;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 clients sending wrong passwords and unknown user names (cost-10 bcrypt each, as
 * {@code htpasswd -B -C 10} writes) for 12 s: the health check and a valid user stay fast,
 * because bcrypt runs on one platform thread beside Jetty's carriers and what does not fit is
 * answered 429. The per-address and per-user failure limits are lifted here so that the shared pool alone has
 * to hold ({@code AuthenticationFloodIT} runs the jar with the default limits). Before, /healthz
 * took 9.4 s and the valid user 10 s under this load.
 */
class AuthenticationFloodTest {

    @TempDir
    Path folder;

    @Test
    void theHealthCheckAndAValidUserStayFastWhileFiftyClientsGuessPasswords() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 10, "alice", "wonder land", "bob", "builder");
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        RegistryConfig config = new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("flood", htpasswd)))
                .withLimits(Limits.DEFAULTS.withPasswordChecks(1, 1_000_000, false).withUserFailures(1_000_000));
        try (RegistryServer server = RegistryServer.start(config)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            String bob = Htpasswd.basic("bob", "builder");
            assertEquals(200, client.get("/v2/", "Authorization", bob).status()); // remembered from now on

            AuthFlood.Result result = AuthFlood.run(server.baseUri(), 50, Duration.ofSeconds(12), bob);

            System.out.println("flood: " + result.summary());
            assertEquals(Set.of(200), result.probeStatuses().keySet(), result.summary());
            assertTrue(result.p95(result.health()) < 1_000, result.summary());
            assertTrue(result.p95(result.user()) < 1_000, result.summary());
            assertTrue(Set.of(401, 429).containsAll(result.attackStatuses().keySet()), result.summary());
            assertTrue(result.attackStatuses().getOrDefault(429, 0) > 0, "the pool filled up: " + result.summary());
            assertTrue(result.attackStatuses().getOrDefault(401, 0) > 0, result.summary());
        }
    }
}
