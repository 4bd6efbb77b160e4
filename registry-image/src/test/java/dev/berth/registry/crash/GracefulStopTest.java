package dev.berth.registry.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.FreePort;
import dev.berth.registry.testing.PausingStream;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stop (SIGTERM, as ECS sends after the load balancer drained the task) lets a chunk still
 * streaming in finish and be stored, up to {@code http.draintimeout}; new connections are
 * refused meanwhile, readiness and liveness fail from the moment the stop begins, and the
 * process then exits by itself.
 */
class GracefulStopTest {

    private static final int MiB = 1024 * 1024;
    private static final String REPO = "stop/graceful";

    private Path root;
    private RegistryProcess registry;

    @BeforeEach
    void folder() throws IOException {
        root = Files.createTempDirectory("berth-stop-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (registry != null) {
            registry.close();
        }
        RunningRegistry.deleteTree(root);
    }

    private RegistryProcess start(String drainTimeout) throws Exception {
        return start(drainTimeout, Map.of());
    }

    private RegistryProcess start(String drainTimeout, Map<String, String> more) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(more);
        env.putAll(Map.of(
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString(),
                "REGISTRY_HTTP_SECRET", "stop-test-secret",
                "REGISTRY_HTTP_DRAINTIMEOUT", drainTimeout));
        return RegistryProcess.start("graceful", RegistryProcess.Launch.TEST_CLASSPATH, env, List.of("-Xmx128m"), null)
                .awaitReady();
    }

    /** Starts an upload and PATCHes {@code content} into it, pausing half way. */
    private CompletableFuture<HttpResponse<String>> pausedChunk(HttpClient http, byte[] content, PausingStream body)
            throws InterruptedException {
        String location = new RegistryClient(registry.base()).startUpload(REPO);
        HttpRequest patch = HttpRequest.newBuilder(registry.base().resolve(location))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> body), content.length))
                .build();
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(patch, HttpResponse.BodyHandlers.ofString());
        assertTrue(body.awaitPause(30), "the PATCH never started");
        return call;
    }

    @Test
    void aChunkInFlightWhenTheRegistryIsStoppedIsFinishedAndKept() throws Exception {
        registry = start("30s");
        byte[] content = Blobs.random(4 * MiB);
        PausingStream body = new PausingStream(content, 0, content.length / 2, PausingStream.AfterRelease.CONTINUE);
        HttpResponse<String> response;
        // Closed once answered, as the load balancer closes its connections to a drained task.
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            CompletableFuture<HttpResponse<String>> call = pausedChunk(http, content, body);
            assertTrue(body.awaitPause(30), "the first half was sent"); // and the rest is held back

            registry.terminate();
            Thread.sleep(1500); // longer than Jetty's default 1 s idle cut while stopping
            assertTrue(registry.isAlive(), "the registry must wait for the request in flight:\n" + registry.log());
            assertRefusesConnections(registry.base());

            body.release();
            response = call.get(30, TimeUnit.SECONDS);
        }
        assertEquals(202, response.statusCode(), response::body);
        assertEquals("0-" + (content.length - 1), response.headers().firstValue("Range").orElseThrow());
        assertTrue(registry.awaitExit(Duration.ofSeconds(15)), () -> "the registry exits once drained:\n" + registry.log());

        // The chunk is stored: a new process on the same folder completes the upload.
        registry = start("30s");
        RegistryClient after = new RegistryClient(registry.base());
        String next = response.headers().firstValue("Location").orElseThrow();
        String digest = Blobs.sha256(content);
        RegistryClient.Response put = after.put(RegistryClient.withQuery(pathOf(next), "digest=" + digest), new byte[0]);
        assertEquals(201, put.status(), put::toString);
        assertArrayEquals(content, after.get("/v2/" + REPO + "/blobs/" + digest).body());
    }

    @Test
    void readinessAndLivenessFailAsSoonAsAStopBeginsWhileRequestsDrain() throws Exception {
        int debugPort = FreePort.pick();
        registry = start("30s", Map.of("REGISTRY_HTTP_DEBUG_ADDR", "127.0.0.1:" + debugPort));
        RegistryClient debug = new RegistryClient(URI.create("http://127.0.0.1:" + debugPort));
        Eventually.await(Duration.ofSeconds(15), Duration.ofMillis(50), "ready before the stop",
                () -> debug.get("/readyz").status() == 200);
        byte[] content = Blobs.random(2 * MiB);
        PausingStream body = new PausingStream(content, 0, content.length / 2, PausingStream.AfterRelease.CONTINUE);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            CompletableFuture<HttpResponse<String>> call = pausedChunk(http, content, body);

            registry.terminate();
            RegistryClient.Response ready = Eventually.awaitValue(Duration.ofSeconds(5), Duration.ofMillis(20),
                    () -> "readiness to fail once the stop began:\n" + registry.log(), () -> {
                        RegistryClient.Response r = debug.get("/readyz");
                        return r.status() == 503 ? r : null;
                    });
            assertTrue(ready.text().contains("stopping"), ready::text);
            assertEquals(503, debug.get("/healthz").status(), "not able to serve: the balancer stops routing here");
            assertTrue(registry.isAlive(), "still draining the upload");

            body.release();
            assertEquals(202, call.get(30, TimeUnit.SECONDS).statusCode());
        }
        assertTrue(registry.awaitExit(Duration.ofSeconds(15)), () -> "exits once drained:\n" + registry.log());
    }

    @Test
    void aZeroDrainTimeoutStopsAtOnceAsRegistry2Does() throws Exception {
        registry = start("0s");
        byte[] content = Blobs.random(2 * MiB);
        PausingStream body = new PausingStream(content, 0, content.length / 2, PausingStream.AfterRelease.CONTINUE);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            CompletableFuture<HttpResponse<String>> call = pausedChunk(http, content, body);
            registry.terminate();
            assertTrue(registry.awaitExit(Duration.ofSeconds(10)), "no wait for the request in flight");
            body.release();
            assertTrue(call.handle((r, e) -> r == null || r.statusCode() >= 400).get(30, TimeUnit.SECONDS));
        }
    }

    private static void assertRefusesConnections(URI base) {
        boolean refused;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            refused = false;
        } catch (IOException e) {
            refused = true; // ConnectException: nothing listens any more
        }
        assertTrue(refused, "a stopping registry takes no new connections");
    }

    private static String pathOf(String location) {
        URI uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
}
