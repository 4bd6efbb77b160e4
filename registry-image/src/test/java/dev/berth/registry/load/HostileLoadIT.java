package dev.berth.registry.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.PatternBlob;
import dev.berth.registry.testing.RawRequest;
import dev.berth.registry.testing.RegistryProcess;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.time.Duration;
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
                ImageJvm.awaitInProgress(registry, stalled.size());
                assertTrue(registry.isAlive(), registry.log());
                long healthMs = pusher.timedGet("/healthz");
                assertEquals(201, pusher.push("load/ok", new PatternBlob(1, 8 * MIB)), "a real push meanwhile");
                long peak = ImageJvm.peakRss(registry);
                System.out.printf("300 stalled uploads: /healthz %d ms, peak RSS %d MiB%n", healthMs, peak / MIB);
                assertQuickAndSmall(healthMs, peak);
            } finally {
                closeAll(stalled);
            }
        }
    }

    @Test
    void manifestsThatSendAlmostAllAndTrickleTheRestAreCut() throws Exception {
        // A short body timeout, so that the test sees the trickling bodies cut.
        try (RegistryProcess registry = ImageJvm.start("trickle", root, Map.of("REGISTRY_LIMITS_BODYTIMEOUT", "8s"))) {
            Pusher pusher = new Pusher(registry.base());
            byte[] almost = new byte[4 * 1024 * 1024 - 1024];
            java.util.Arrays.fill(almost, (byte) ' ');
            List<RawRequest> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < 150; i++) {
                    RawRequest request = RawRequest.open(registry.base(), "PUT", "/v2/load/trickle/manifests/t" + i,
                            "Content-Type: " + Manifests.MEDIA_TYPE, "Content-Length: " + (4 * 1024 * 1024));
                    request.send(almost);
                    trickling.add(request);
                }
                long deadline = System.nanoTime() + 20_000_000_000L;
                int cut = 0;
                while (System.nanoTime() < deadline && cut < trickling.size()) {
                    cut = 0;
                    for (RawRequest request : trickling) {
                        try {
                            request.send(new byte[] {' '});
                        } catch (java.io.IOException e) {
                            cut++;
                        }
                    }
                    assertTrue(registry.isAlive(), registry.log());
                    assertTrue(pusher.timedGet("/healthz") < 1_000, "/healthz slow while manifests trickle");
                    Thread.sleep(1_000);
                }
                long peak = ImageJvm.peakRss(registry);
                System.out.printf("150 trickling manifest PUTs: %d cut, peak RSS %d MiB%n", cut, peak / MIB);
                assertEquals(trickling.size(), cut, "every trickling manifest cut within 20 s");
                assertTrue(peak < PEAK_RSS_LIMIT, "peak RSS " + peak / MIB + " MiB");
            } finally {
                closeAll(trickling);
            }
            assertEquals(201, pushManifest(pusher, "load/trickle", "after", Manifests.artifact(null, "{}")));
        }
    }

    @Test
    void manifestsThatDeclareTheLimitAndSendNothingHoldNoMemory() throws Exception {
        // Each declares the largest manifest allowed: a buffer of that size made before a byte
        // arrived would put 300 x 4 MiB on a 410 MiB heap (150 ended the process).
        try (RegistryProcess registry = ImageJvm.start("silentmanifests", root, Map.of())) {
            Pusher pusher = new Pusher(registry.base());
            List<RawRequest> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    silent.add(RawRequest.open(registry.base(), "PUT", "/v2/load/silent/manifests/t" + i,
                            "Content-Type: " + Manifests.MEDIA_TYPE, "Content-Length: " + (4 * 1024 * 1024)));
                }
                ImageJvm.awaitInProgress(registry, silent.size());
                assertTrue(registry.isAlive(), registry.log());
                long healthMs = pusher.timedGet("/healthz");
                assertEquals(201, pushManifest(pusher, "load/silent", "ok", Manifests.artifact(null, "{}")),
                        "a real manifest push meanwhile");
                long peak = ImageJvm.peakRss(registry);
                System.out.printf("300 silent 4 MiB manifest PUTs: /healthz %d ms, peak RSS %d MiB%n", healthMs,
                        peak / MIB);
                assertQuickAndSmall(healthMs, peak);
            } finally {
                closeAll(silent);
            }
        }
    }

    @Test
    void referrersOfHugeDescriptorsComeInPagesAndKeepMemoryBounded() throws Exception {
        try (RegistryProcess registry = ImageJvm.start("referrers", root, Map.of())) {
            Pusher pusher = new Pusher(registry.base());
            String subject = Manifests.sha256("the subject".getBytes());
            int count = 40;
            for (int i = 0; i < count; i++) {
                byte[] manifest = Manifests.artifact(subject, Manifests.oneLargeAnnotation(i, 4_000_000));
                assertEquals(201, pushManifest(pusher, "load/refs", Manifests.sha256(manifest), manifest));
            }
            List<Future<Integer>> listings = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 10; i++) {
                    listings.add(pool.submit(() -> countReferrers(pusher, "/v2/load/refs/referrers/" + subject)));
                }
            }
            for (Future<Integer> listing : listings) {
                assertEquals(count, listing.get(), "every referrer listed across the pages");
            }
            long peak = ImageJvm.peakRss(registry);
            System.out.printf("10 concurrent listings of 40 x 4 MB referrers: peak RSS %d MiB%n", peak / MIB);
            assertTrue(registry.isAlive(), registry.log());
            assertTrue(peak < PEAK_RSS_LIMIT, "peak RSS " + peak / MIB + " MiB");
        }
    }

    @Test
    void healthStaysQuickWhileClientsPushManifestsOfManyAnnotations() throws Exception {
        try (RegistryProcess registry = ImageJvm.start("annotations", root, Map.of())) {
            Pusher pusher = new Pusher(registry.base());
            pushManifest(pusher, "load/many", "warm", Manifests.artifact(null, "{}"));
            long until = System.nanoTime() + 15_000_000_000L;
            List<Long> health = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger stored = new java.util.concurrent.atomic.AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < 10; c++) {
                    int client = c;
                    pool.submit(() -> {
                        for (int round = 0; System.nanoTime() < until && round < 200; round++) {
                            byte[] manifest = Manifests.artifact(null, Manifests.manyAnnotations(100_000, client * 1000
                                    + round));
                            if (pushManifest(pusher, "load/many", "c" + client, manifest) == 201) {
                                stored.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
                // Measure once the load is in place: the first of these manifests has gone through.
                Eventually.await(Duration.ofSeconds(60), Duration.ofMillis(100), "a first manifest stored",
                        () -> stored.get() > 0);
                while (System.nanoTime() < until) {
                    health.add(pusher.timedGet("/healthz"));
                    Thread.sleep(100);
                }
            }
            health.sort(null);
            long median = health.get(health.size() / 2);
            long max = health.get(health.size() - 1);
            System.out.printf("10 clients pushing 100,000-annotation manifests: %d stored, /healthz median %d ms,"
                    + " max %d ms%n", stored.get(), median, max);
            assertTrue(stored.get() > 0, "manifests were stored meanwhile");
            assertTrue(median < 200, "/healthz median " + median + " ms");
            assertTrue(max < 1_000, "/healthz max " + max + " ms");
        }
    }

    /** While requests hold on: the health check answers at once and memory stays far below the container's. */
    private static void assertQuickAndSmall(long healthMs, long peakRss) {
        assertTrue(healthMs < 1_000, "/healthz took " + healthMs + " ms");
        assertTrue(peakRss < 400 * MIB, "peak RSS " + peakRss / MIB + " MiB");
    }

    private static void closeAll(List<RawRequest> requests) throws java.io.IOException {
        for (RawRequest request : requests) {
            request.close();
        }
    }

    private static int pushManifest(Pusher pusher, String repository, String reference, byte[] manifest)
            throws Exception {
        pusher.send("POST", "/v2/" + repository + "/blobs/uploads/?digest=" + Manifests.EMPTY_DIGEST,
                BodyPublishers.ofByteArray(Manifests.EMPTY));
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(pusher.uri("/v2/" + repository
                + "/manifests/" + reference)).header("Content-Type", Manifests.MEDIA_TYPE)
                .PUT(BodyPublishers.ofByteArray(manifest)).build();
        return pusher.send(request).statusCode();
    }

    /** Follows the Link headers through every page; answers how many descriptors there were. */
    private static int countReferrers(Pusher pusher, String path) throws Exception {
        int found = 0;
        String next = path;
        while (next != null) {
            java.net.http.HttpResponse<String> page = pusher.get(next);
            assertEquals(200, page.statusCode(), page.body());
            found += new com.fasterxml.jackson.databind.ObjectMapper().readTree(page.body()).path("manifests").size();
            next = page.headers().firstValue("Link").map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>')))
                    .orElse(null);
        }
        return found;
    }
}
