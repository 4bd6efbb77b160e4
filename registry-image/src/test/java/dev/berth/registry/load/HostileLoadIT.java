package dev.berth.registry.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.RegistryProcess;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry under the loads that used to end it with OutOfMemoryError, run as the image runs
 * it in the stack's 1 GiB container (its JVM flags): it must stay alive, keep serving, and keep
 * its peak memory well inside the container.
 */
class HostileLoadIT {

    private static final long MIB = 1 << 20;
    /** Peak RSS allowed: the container's 1 GiB less room for the JVM's own growth and a margin. */
    private static final long PEAK_RSS_LIMIT = 700 * MIB;

    @TempDir
    Path root;

    @Test
    void hundredClientsPushing16MiBAtOnceAllSucceed() throws Exception {
        try (RegistryProcess registry = ImageJvm.start("push100", root, Map.of())) {
            Pusher pusher = new Pusher(registry.base());
            int clients = 100;
            List<Future<Integer>> pushes = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    PatternBlob blob = new PatternBlob(i, 16 * MIB);
                    pushes.add(pool.submit(() -> pusher.push("load/push", blob)));
                }
            }
            int created = 0;
            for (Future<Integer> push : pushes) {
                created += push.get() == 201 ? 1 : 0;
            }
            long peak = ImageJvm.peakRss(registry);
            System.out.printf("100 x 16 MiB pushes: %d x 201, peak RSS %d MiB%n", created, peak / MIB);
            assertEquals(clients, created, "every push stored\n" + registry.log());
            assertTrue(registry.isAlive());
            assertTrue(peak < PEAK_RSS_LIMIT, "peak RSS " + peak / MIB + " MiB");
            assertEquals(200, pusher.get("/v2/load/push/blobs/" + new PatternBlob(7, 16 * MIB).digest()).statusCode());
        }
    }

    @Test
    void uploadsThatDeclareMuchAndSendNothingHoldNoMemory() throws Exception {
        try (RegistryProcess registry = ImageJvm.start("stalled", root, Map.of())) {
            Pusher pusher = new Pusher(registry.base());
            List<RawRequest> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    String location = pusher.send("POST", "/v2/load/stall/blobs/uploads/", BodyPublishers.noBody())
                            .headers().firstValue("Location").orElseThrow();
                    stalled.add(RawRequest.open(registry.base(), "PATCH", location,
                            "Content-Type: application/octet-stream", "Content-Length: 1073741824"));
                    stalled.add(RawRequest.open(registry.base(), "PATCH", location,
                            "Content-Type: application/octet-stream", "Transfer-Encoding: chunked"));
                    stalled.add(RawRequest.open(registry.base(), "POST", "/v2/load/stall/blobs/uploads/?digest=sha256:"
                            + "0".repeat(64), "Content-Type: application/octet-stream", "Content-Length: 1073741824"));
                }
                Thread.sleep(2_000); // let every request reach its handler
                assertTrue(registry.isAlive(), registry.log());
                long healthMs = pusher.timedGet("/healthz");
                assertEquals(201, pusher.push("load/ok", new PatternBlob(1, 8 * MIB)), "a real push meanwhile");
                long peak = ImageJvm.peakRss(registry);
                System.out.printf("300 stalled uploads: /healthz %d ms, peak RSS %d MiB%n", healthMs, peak / MIB);
                assertTrue(healthMs < 1_000, "/healthz took " + healthMs + " ms");
                assertTrue(peak < 400 * MIB, "peak RSS " + peak / MIB + " MiB");
            } finally {
                for (RawRequest request : stalled) {
                    request.close();
                }
            }
        }
    }
}
