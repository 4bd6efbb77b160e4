package dev.berth.registry.crash;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.http.PushedImage;
import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.PausingStream;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of a registry process in the middle of large uploads, then a restart on the
 * same storage folder: what was committed before still pulls byte-identical, the interrupted
 * chunked upload continues from the Range the registry reports, the interrupted monolithic
 * upload is re-pushed from scratch, and no half-written blob is ever visible.
 */
class KillDuringUploadIT {

    private static final int MiB = 1024 * 1024;
    private static final String SECRET = "crash-test-secret";
    private static final String REPO = "crash/test";

    private Path root;
    private Path log;
    private RegistryProcess registry;

    @BeforeEach
    void folders() throws IOException {
        root = Files.createTempDirectory("berth-crash-");
        log = Files.createTempFile("berth-crash-", ".log");
    }

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        RunningRegistry.deleteTree(root);
        Files.deleteIfExists(log);
    }

    private static CompletableFuture<HttpResponse<String>> stalledRequest(HttpClient http, String method, URI uri,
            PausingStream body, long declaredLength) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/octet-stream")
                .method(method, HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> body), declaredLength))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private long uploadDataSize() throws IOException {
        // white-box: the bytes that reached the upload files so far
        Path uploads = root.resolve("uploads");
        if (!Files.isDirectory(uploads)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> files = Files.walk(uploads)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                if (p.getFileName().toString().equals("data")) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }

    private static String path(URI base, String location) {
        URI uri = base.resolve(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Test
    void killMidUploadThenRestartAndContinue() throws Exception {
        registry = startRegistry(root, log);
        RegistryClient before = new RegistryClient(registry.base());

        // committed before the kill
        PushedImage image = PushedImage.push(before, REPO, "v1");
        byte[] committedBlob = Blobs.random(3 * MiB);
        String committedDigest = before.pushBlob(REPO, committedBlob);

        // a large chunked upload: two whole chunks, then a third that stalls half way
        byte[] big = Blobs.random(48 * MiB);
        String bigDigest = Blobs.sha256(big);
        String location = before.startUpload(REPO);
        int chunk = 16 * MiB;
        for (int from = 0; from < 2 * chunk; from += chunk) {
            RegistryClient.Response r = before.patch(location, Arrays.copyOfRange(big, from, from + chunk),
                    "Content-Type", "application/octet-stream", "Content-Range", from + "-" + (from + chunk - 1));
            assertEquals(202, r.status(), r::toString);
            location = r.requireHeader("Location");
        }
        // and a monolithic PUT of another large blob, also stalled half way
        byte[] mono = Blobs.random(24 * MiB);
        String monoDigest = Blobs.sha256(mono);
        String monoLocation = before.startUpload(REPO);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        PausingStream third = new PausingStream(big, 2 * chunk, 6 * MiB, PausingStream.AfterRelease.FAIL);
        PausingStream monoBody = new PausingStream(mono, 0, 10 * MiB, PausingStream.AfterRelease.FAIL);
        long dataBefore = uploadDataSize();
        var thirdCall = stalledRequest(http, "PATCH", registry.base().resolve(location), third, chunk);
        var monoCall = stalledRequest(http, "PUT", registry.base().resolve(withQuery(monoLocation,
                "digest=" + monoDigest)), monoBody, mono.length);
        // wait until the registry has written part of both stalled bodies
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (uploadDataSize() < dataBefore + 12 * MiB && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(uploadDataSize() > dataBefore, "the stalled requests never reached the registry");

        registry.kill(); // SIGKILL: no shutdown hook, no cleanup
        third.release();
        monoBody.release();
        assertTrue(thirdCall.handle((r, e) -> r == null || r.statusCode() >= 400).get(60, TimeUnit.SECONDS));
        assertTrue(monoCall.handle((r, e) -> r == null || r.statusCode() >= 400).get(60, TimeUnit.SECONDS));

        registry = startRegistry(root, log);
        RegistryClient after = new RegistryClient(registry.base());

        // 1. everything committed before the kill is intact
        RegistryClient.Response manifest = after.get("/v2/" + REPO + "/manifests/v1");
        assertEquals(200, manifest.status(), manifest::toString);
        assertArrayEquals(image.manifest(), manifest.body());
        assertArrayEquals(image.layer(), after.get("/v2/" + REPO + "/blobs/" + image.layerDigest()).body());
        assertArrayEquals(committedBlob, after.get("/v2/" + REPO + "/blobs/" + committedDigest).body());

        // 2. no half-written blob is visible
        assertEquals(404, after.head("/v2/" + REPO + "/blobs/" + bigDigest).status());
        assertEquals(404, after.head("/v2/" + REPO + "/blobs/" + monoDigest).status());

        // 3. the chunked upload continues from the Range the restarted registry reports
        String resume = path(registry.base(), location);
        RegistryClient.Response status = after.get(resume);
        assertEquals(204, status.status(), () -> status + "\n" + registry.log());
        String range = status.requireHeader("Range");
        long next = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
        assertTrue(next >= 2L * chunk && next <= big.length, "Range after the kill: " + range);
        RegistryClient.Response rest = after.patch(status.requireHeader("Location"),
                Arrays.copyOfRange(big, (int) next, big.length),
                "Content-Type", "application/octet-stream", "Content-Range", next + "-" + (big.length - 1));
        assertEquals(202, rest.status(), rest::toString);
        assertEquals("0-" + (big.length - 1), rest.requireHeader("Range"));
        RegistryClient.Response done = after.put(withQuery(rest.requireHeader("Location"), "digest=" + bigDigest),
                new byte[0]);
        assertEquals(201, done.status(), () -> done + "\n" + registry.log());
        assertArrayEquals(big, after.get("/v2/" + REPO + "/blobs/" + bigDigest).body());

        // 4. the monolithic upload is pushed again from scratch
        assertEquals(404, after.head("/v2/" + REPO + "/blobs/" + monoDigest).status());
        after.pushBlob(REPO, mono);
        assertArrayEquals(mono, after.get("/v2/" + REPO + "/blobs/" + monoDigest).body());

        // 5. and the registry takes new work as usual
        PushedImage later = PushedImage.push(after, REPO, "v2");
        assertArrayEquals(later.manifest(), after.get("/v2/" + REPO + "/manifests/v2").body());
        assertFalse(registry.log().contains("ERROR"), registry::log);
    }

    @Test
    void killedTwiceDuringTheSameUploadStillEndsCorrect() throws Exception {
        byte[] big = Blobs.random(20 * MiB);
        String digest = Blobs.sha256(big);
        registry = startRegistry(root, log);
        String location = new RegistryClient(registry.base()).startUpload(REPO);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long offset = 0;
        for (int round = 0; round < 2; round++) {
            PausingStream body = new PausingStream(big, (int) offset, 5 * MiB, PausingStream.AfterRelease.FAIL);
            var call = stalledRequest(http, "PATCH", registry.base().resolve(location), body,
                    big.length - offset);
            long target = offset + 4 * MiB;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (uploadDataSize() < target && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            registry.kill();
            body.release();
            call.handle((r, e) -> null).get(60, TimeUnit.SECONDS);
            registry = startRegistry(root, log);
            RegistryClient client = new RegistryClient(registry.base());
            RegistryClient.Response status = client.get(path(registry.base(), location));
            assertEquals(204, status.status(), status::toString);
            String range = status.requireHeader("Range");
            offset = Long.parseLong(range.substring(range.indexOf('-') + 1)) + 1;
            location = path(registry.base(), status.requireHeader("Location"));
            assertEquals(404, client.head("/v2/" + REPO + "/blobs/" + digest).status());
        }
        RegistryClient client = new RegistryClient(registry.base());
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + digest),
                Arrays.copyOfRange(big, (int) offset, big.length));
        assertEquals(201, put.status(), () -> put + "\n" + registry.log());
        assertArrayEquals(big, client.get("/v2/" + REPO + "/blobs/" + digest).body());
    }

    /** The packaged jar on {@code root}, as the image runs it; output appended to {@code log} across restarts. */
    private static RegistryProcess startRegistry(Path root, Path log) throws Exception {
        Map<String, String> env = new TreeMap<>();
        env.put("REGISTRY_HTTP_SECRET", SECRET);
        env.put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString());
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        return RegistryProcess.start("crash", RegistryProcess.Launch.JAR, env, List.of("-Xmx256m"), log)
                .awaitReady();
    }
}
