package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which address the per-client failure limit counts: the TCP peer, or with
 * {@code limits.trustforwardedfor} the last {@code X-Forwarded-For} entry (the one a load
 * balancer appends), never one a client wrote before it.
 */
class ClientAddressTest {

    private static final int FAILURES = 3;

    @TempDir
    Path folder;

    private RegistryServer start(boolean trustForwardedFor) throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 4, "alice", "secret");
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        return RegistryServer.start(new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("test", htpasswd)))
                .withLimits(Limits.DEFAULTS.withPasswordChecks(1, FAILURES, trustForwardedFor)));
    }

    private static int guess(RegistryClient client, int n, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = Htpasswd.basic("alice", "guess " + n);
        System.arraycopy(headers, 0, all, 2, headers.length);
        return client.get("/v2/", all).status();
    }

    @Test
    void behindABalancerEachForwardedClientHasItsOwnBudget() throws Exception {
        try (RegistryServer server = start(true)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            for (int i = 0; i < FAILURES; i++) {
                assertEquals(401, guess(client, i, "X-Forwarded-For", "203.0.113.7"));
            }
            RegistryClient.Response refused = client.get("/v2/", "Authorization", Htpasswd.basic("alice", "again"),
                    "X-Forwarded-For", "203.0.113.7");
            ErrorAssertions.assertError(refused, 429, "TOOMANYREQUESTS");
            long retryAfter = Long.parseLong(refused.requireHeader("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "until the first failure is a minute old: " + retryAfter);
            // What a client writes itself comes first; the balancer's entry is last and decides.
            assertEquals(429, guess(client, 10, "X-Forwarded-For", "198.51.100.1, 203.0.113.7"));
            assertEquals(401, guess(client, 11, "X-Forwarded-For", "203.0.113.7, 198.51.100.1"));
            // The right password from the held-back address is refused too, without bcrypt; others pass.
            assertEquals(429, client.get("/v2/", "Authorization", Htpasswd.basic("alice", "secret"),
                    "X-Forwarded-For", "203.0.113.7").status());
            assertEquals(200, client.get("/v2/", "Authorization", Htpasswd.basic("alice", "secret"),
                    "X-Forwarded-For", "198.51.100.2").status());
        }
    }

    @Test
    void withoutTheSettingTheHeaderIsIgnoredAndThePeerCounts() throws Exception {
        try (RegistryServer server = start(false)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            for (int i = 0; i < FAILURES; i++) {
                assertEquals(401, guess(client, i, "X-Forwarded-For", "192.0.2." + i));
            }
            assertEquals(429, guess(client, 9, "X-Forwarded-For", "192.0.2.99"), "a new header is no new budget");
        }
    }

    @Test
    void onlyIpLiteralsAreTakenAndIpv6CountsByItsSlash64() throws Exception {
        assertEquals("203.0.113.7", ClientAddress.key(ClientAddress.literal("203.0.113.7")));
        assertEquals("2001:db8:1:2::/64", ClientAddress.key(ClientAddress.literal("2001:db8:1:2:aaaa::1")));
        assertEquals(ClientAddress.key(ClientAddress.literal("[2001:db8:1:2::5]")),
                ClientAddress.key(InetAddress.getByName("2001:db8:1:2:ffff::9")));
        assertEquals("10.1.2.3", ClientAddress.key(ClientAddress.literal("::ffff:10.1.2.3")));
        assertNull(ClientAddress.literal("registry.example.com")); // never a DNS lookup
        assertNull(ClientAddress.literal("unknown"));
        assertNull(ClientAddress.literal(""));
        assertNull(ClientAddress.literal("1.2.3"));
    }
}
