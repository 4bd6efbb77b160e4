package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code limits.userfailures} over real HTTP: wrong passwords for one user from many addresses
 * (each under its own per-address budget) hold that user back with 429 and Retry-After, without a
 * check; other users and a client whose login is remembered go on.
 */
class PerUserFailureLimitTest {

    private static final int USER_FAILURES = 4;

    @TempDir
    Path folder;

    @Test
    void guessesFromManyAddressesHoldBackOnlyTheUserGuessedAt() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 4, "alice", "secret", "bob", "builder");
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        RegistryConfig config = new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("test", htpasswd)))
                .withLimits(Limits.DEFAULTS.withPasswordChecks(1, 3, true).withUserFailures(USER_FAILURES));
        try (RegistryServer server = RegistryServer.start(config)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            String alice = Htpasswd.basic("alice", "secret");
            // Logged in before the guessing starts: remembered, so never checked again meanwhile.
            assertEquals(200, client.get("/v2/", "Authorization", alice, "X-Forwarded-For", "192.0.2.1").status());

            for (int i = 0; i < USER_FAILURES; i++) {
                assertEquals(401, client.get("/v2/", "Authorization", Htpasswd.basic("alice", "guess " + i),
                        "X-Forwarded-For", "203.0.113." + i).status(), "guess " + i + " from its own address");
            }
            RegistryClient.Response refused = client.get("/v2/", "Authorization",
                    Htpasswd.basic("alice", "guess x"), "X-Forwarded-For", "203.0.113.99");
            assertError(refused, 429, "TOOMANYREQUESTS");
            long retryAfter = Long.parseLong(refused.requireHeader("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "until the first failure is a minute old: " + retryAfter);
            assertTrue(refused.text().contains("this user"), refused.text());

            // The right password from a fresh address is not checked either while the user is held back...
            assertEquals(429, client.get("/v2/", "Authorization", Htpasswd.basic("alice", "secret2"),
                    "X-Forwarded-For", "198.51.100.9").status());
            // ...but the client whose success is remembered, and every other user, go on.
            assertEquals(200, client.get("/v2/", "Authorization", alice, "X-Forwarded-For", "192.0.2.1").status());
            assertEquals(200, client.get("/v2/", "Authorization", Htpasswd.basic("bob", "builder"),
                    "X-Forwarded-For", "198.51.100.9").status());

            // A name nobody holds is held back the same way: a 429 tells nothing about who exists.
            for (int i = 0; i < USER_FAILURES; i++) {
                assertEquals(401, client.get("/v2/", "Authorization", Htpasswd.basic("mallory", "guess " + i),
                        "X-Forwarded-For", "203.0.114." + i).status());
            }
            assertEquals(429, client.get("/v2/", "Authorization", Htpasswd.basic("mallory", "guess x"),
                    "X-Forwarded-For", "203.0.114.99").status());
        }
    }
}
