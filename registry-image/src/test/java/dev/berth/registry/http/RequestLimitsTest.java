package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.Limits;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.RawRequest;
import dev.berth.registry.testing.RegistryClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code limits.*} at work on real connections: places are taken by bodies that send, not by
 * requests that wait; beyond them 429; stalled and trickling bodies are cut; referrers in pages.
 */
class RequestLimitsTest {

    /** Manifests of at most 8 KiB (below the 16 KiB a chunked body is first read into). */
    private static final int MANIFEST_LIMIT = 8 * 1024;

    /**
     * One upload place, one manifest place, short waits and timeouts, small manifests, one
     * descriptor per referrers page.
     */
    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withLimits(new Limits(1, Duration.ofSeconds(1),
            Duration.ofSeconds(2), MANIFEST_LIMIT, 1, 1, 16 * 1024, 1024, 1));

    /** The same with the default body timeout (60 s): what happens well before a stall is cut. */
    @RegisterExtension
    static final RunningRegistry patient = RunningRegistry.withLimits(new Limits(1, Duration.ofSeconds(1),
            Duration.ofSeconds(60), 4 * 1024 * 1024, 1, 1, 16 * 1024, 1024, 1));

    private final RegistryClient client = registry.client();

    private RawRequest patch(String location, long length) throws Exception {
        return RawRequest.open(client.base(), "PATCH", location, "Content-Type: application/octet-stream",
                "Content-Length: " + length);
    }

    @Test
    void aRequestThatSendsNothingHoldsNoPlace() throws Exception {
        String repo = RunningRegistry.newRepository("limits");
        try (RawRequest silent = patch(client.startUpload(repo), 1_000_000)) {
            // The only upload place is free: a real push goes through beside the silent request.
            String digest = client.pushBlob(repo, Blobs.random(64 * 1024));
            assertEquals(200, client.head("/v2/" + repo + "/blobs/" + digest).status());
        }
    }

    @Test
    void aBodyBeyondThePlacesIsAnswered429WithRetryAfter() throws Exception {
        String repo = RunningRegistry.newRepository("limits");
        String waiting = client.startUpload(repo);
        try (RawRequest sending = patch(client.startUpload(repo), 1_000_000)) {
            sending.send(new byte[100]); // takes the one place and keeps it, once the registry has read it
            RegistryClient.Response refused = Eventually.awaitValue(Duration.ofSeconds(10), Duration.ofMillis(50),
                    () -> "a PATCH refused while the place is taken", () -> {
                        RegistryClient.Response r = client.patch(waiting, Blobs.random(1000));
                        return r.status() == 202 ? null : r; // 202: the sender has not got the place yet
                    });
            assertError(refused, 429, "TOOMANYREQUESTS");
            assertTrue(Integer.parseInt(refused.requireHeader("Retry-After")) >= 1, refused::toString);
        }
        // The place is free again once that request ended.
        assertEquals(202, client.patch(waiting, Blobs.random(1000)).status());
    }

    @Test
    void aStalledChunkIsCutAfterTheBodyTimeoutAndStoresNothing() throws Exception {
        String repo = RunningRegistry.newRepository("limits");
        String location = client.startUpload(repo);
        try (RawRequest stalled = patch(location, 1000)) {
            stalled.send(new byte[10]);
            assertTrue(stalled.awaitClosed(Duration.ofSeconds(10)), "the connection is cut");
        }
        // Nothing of the cut chunk was kept: the upload goes on from 0.
        RegistryClient.Response from0 = client.patch(location, Blobs.random(100), "Content-Range", "0-99");
        assertEquals(202, from0.status(), from0::toString);
        assertEquals("0-99", from0.requireHeader("Range"));
    }

    @Test
    void aBurstThenATrickleIsCutWithinTwoSpansOfTheBodyTimeout() throws Exception {
        // 1 MiB at once, then a byte every 500 ms: never idle for the 2 s timeout, and its average
        // since the first byte stays above 16 KiB/s for a minute. Each 2 s span must reach the floor.
        String repo = RunningRegistry.newRepository("limits");
        long start = System.nanoTime();
        boolean cut = false;
        try (RawRequest burst = patch(client.startUpload(repo), 2 * 1024 * 1024)) {
            burst.send(new byte[1024 * 1024]);
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    burst.send(new byte[] {1});
                    cut = burst.awaitClosed(Duration.ofMillis(500));
                } catch (java.io.IOException e) {
                    cut = true;
                }
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(cut, "a burst followed by a trickle is cut");
        assertTrue(seconds < 8, "cut after " + seconds + " s; the floor is measured over each 2 s");
        // Its place is free again.
        assertEquals(202, client.patch(client.startUpload(repo), Blobs.random(1000)).status());
    }

    @Test
    void aSteadyClientJustAboveTheFloorIsNotCut() throws Exception {
        // 24 KiB/s (6 KiB every 250 ms) for three spans of the 2 s body timeout: slow, but honest.
        String repo = RunningRegistry.newRepository("limits");
        int pieces = 24;
        try (RawRequest steady = patch(client.startUpload(repo), pieces * 6 * 1024L)) {
            for (int i = 0; i < pieces; i++) {
                steady.send(new byte[6 * 1024]);
                Thread.sleep(250);
            }
            String head = steady.readHead();
            assertTrue(head.startsWith("HTTP/1.1 202"), head);
        }
    }

    @Test
    void anEarlyAnswerToARequestWhoseBodyNeverComesIsSentWithinTwoSeconds() throws Exception {
        RegistryClient patientClient = patient.client();
        String repo = RunningRegistry.newRepository("limits");
        String unknown = "/v2/" + repo + "/blobs/uploads/00000000-0000-4000-8000-000000000000";
        long start = System.nanoTime();
        try (RawRequest silent = RawRequest.open(patientClient.base(), "PATCH", unknown,
                "Content-Type: application/octet-stream", "Content-Length: 1000000")) {
            String head = silent.readHead();
            long millis = (System.nanoTime() - start) / 1_000_000L;
            assertTrue(head.startsWith("HTTP/1.1 404"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), head);
            assertTrue(millis < 4_000, "answered after " + millis + " ms; the body is read away for at most 2 s");
        }
    }

    @Test
    void anEarlyAnswerReadsAwayASmallBodyAndKeepsTheConnection() throws Exception {
        RegistryClient patientClient = patient.client();
        String repo = RunningRegistry.newRepository("limits");
        String unknown = "/v2/" + repo + "/blobs/uploads/00000000-0000-4000-8000-000000000000";
        try (RawRequest sent = RawRequest.open(patientClient.base(), "PATCH", unknown,
                "Content-Type: application/octet-stream", "Content-Length: 1000")) {
            sent.send(new byte[1000]);
            String head = sent.readHead();
            assertTrue(head.startsWith("HTTP/1.1 404"), head);
            assertTrue(!head.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), head);
        }
    }

    @Test
    void aStalledBodyIsCutWithoutAnInternalError() throws Exception {
        String repo = RunningRegistry.newRepository("limits");
        try (RawRequest stalled = patch(client.startUpload(repo), 1000)) {
            stalled.send(new byte[10]);
            String answer = stalled.readHead();
            assertTrue(answer.startsWith("HTTP/1.1 408"), "a stalled body is the client's doing, not a 500: " + answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
        }
    }

    @Test
    void aTricklingManifestIsCutAtTheBodyTimeout() throws Exception {
        String repo = RunningRegistry.newRepository("limits");
        long start = System.nanoTime();
        boolean cut = false;
        try (RawRequest trickling = RawRequest.open(client.base(), "PUT", "/v2/" + repo + "/manifests/slow",
                "Content-Type: application/vnd.oci.image.manifest.v1+json", "Content-Length: 1000")) {
            for (int i = 0; i < 40 && !cut; i++) {
                try {
                    trickling.send(new byte[] {' '});
                    cut = trickling.awaitClosed(Duration.ofMillis(250));
                } catch (java.io.IOException e) {
                    cut = true;
                }
            }
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(cut, "a manifest sending a byte every 250 ms is cut");
        assertTrue(seconds < 8, "cut after " + seconds + " s, the body timeout is 2 s");
    }

    @Test
    void referrersComeInPagesLinkedByTheLinkHeader() throws Exception {
        String repo = RunningRegistry.newRepository("limits");
        PushedImage image = PushedImage.push(client, repo, "v1");
        for (int i = 0; i < 3; i++) {
            ReferrersTest.pushArtifact(client, repo, image, ReferrersTest.SBOM, Blobs.OCI_EMPTY,
                    "{\"n\":\"" + i + "\"}");
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        String next = "/v2/" + repo + "/referrers/" + image.digest() + "?artifactType="
                + java.net.URLEncoder.encode(ReferrersTest.SBOM, java.nio.charset.StandardCharsets.UTF_8);
        int pages = 0;
        while (next != null) {
            RegistryClient.Response page = client.get(next);
            assertEquals(200, page.status(), page::toString);
            assertEquals("artifactType", page.requireHeader("OCI-Filters-Applied"), page::toString);
            page.json().path("manifests").forEach(d -> seen.add(d.path("digest").asText()));
            pages++;
            next = page.header("Link").map(l -> l.substring(l.indexOf('<') + 1, l.indexOf('>'))).orElse(null);
            assertTrue(pages <= 3, "no more pages than descriptors");
        }
        assertEquals(3, pages, "one descriptor per page at limits.referrerssize 1");
        assertEquals(3, seen.size(), seen::toString);
    }

    @Test
    void aManifestOverTheLimitIsRefusedWithOrWithoutContentLength() {
        String repo = RunningRegistry.newRepository("limits");
        byte[] large = new byte[MANIFEST_LIMIT + 1000];
        java.util.Arrays.fill(large, (byte) ' ');
        String path = "/v2/" + repo + "/manifests/large";
        String type = "application/vnd.oci.image.manifest.v1+json";

        ErrorAssertions.assertError(client.put(path, large, "Content-Type", type), 413, "SIZE_INVALID");
        ErrorAssertions.assertError(client.sendStreamed("PUT", path, large, "Content-Type", type), 413,
                "SIZE_INVALID");
    }
}
