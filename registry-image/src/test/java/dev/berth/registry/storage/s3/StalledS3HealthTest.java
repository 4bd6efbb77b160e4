package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.RegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An S3 that takes connections and never answers (the worst slowdown) does not fail liveness,
 * which the load balancer checks: {@code /healthz} stays 200 and quick, while {@code /readyz}
 * (cached, never waiting on storage itself) reports the stalled storage.
 */
class StalledS3HealthTest {

    @Test
    void livenessStaysUpWhileReadinessReportsTheStalledStorage() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread accepting = Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // read nothing, answer nothing
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            RegistryConfig.S3 settings = new RegistryConfig.S3("stalled", S3ProxyFixture.REGION,
                    Optional.of("http://127.0.0.1:" + silent.getLocalPort()), true, "", 5L << 20,
                    Optional.of(S3ProxyFixture.ACCESS_KEY), Optional.of(S3ProxyFixture.SECRET_KEY), false, false,
                    "STANDARD");
            try (RegistryServer server = RegistryServer.start(S3StorageMetricsTest.onS3(settings))) {
                RegistryClient client = new RegistryClient(server.baseUri());
                RegistryClient debug = new RegistryClient(server.debugUri().orElseThrow());
                RegistryClient.Response ready = Eventually.awaitValue(Duration.ofSeconds(30), Duration.ofMillis(250),
                        () -> "readiness to report the stalled storage", () -> {
                            assertLiveAndQuick(client);
                            RegistryClient.Response r = client.get("/readyz");
                            assertEquals(503, r.status(), "never ready: the first read has not been answered");
                            return r.text().contains("storage has not answered a read for") ? r : null;
                        });
                assertEquals(503, debug.get("/readyz").status(), "the debug listener says the same");
                assertLiveAndQuick(debug);
                assertTrue(held.size() >= 1, "the probe did reach the stalled S3");
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
                accepting.interrupt();
            }
        }
    }

    private static void assertLiveAndQuick(RegistryClient client) {
        long start = System.nanoTime();
        RegistryClient.Response live = client.get("/healthz");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, live.status(), live::toString);
        assertTrue(millis < 1_000, "/healthz took " + millis + " ms");
    }
}
