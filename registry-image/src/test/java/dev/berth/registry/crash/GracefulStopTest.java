package dev.berth.registry.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Blobs;
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
 * refused meanwhile, and the process then exits by itself.
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
        return RegistryProcess.start("graceful", RegistryProcess.Launch.TEST_CLASSPATH, Map.of(
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString(),
                "REGISTRY_HTTP_SECRET", "stop-test-secret",
                "REGISTRY_HTTP_DRAINTIMEOUT", drainTimeout), List.of("-Xmx128m"), null).awaitReady();
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
