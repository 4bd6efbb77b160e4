package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.PrometheusText;
import dev.berth.registry.testing.RawRequest;
import dev.berth.registry.testing.RegistryClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus metrics on the debug listener ({@code http.debug.addr}) only: requests by route,
 * method and status with a latency histogram, bytes in and out, storage operations, password
 * checks and the JVM, moving as requests are made.
 */
class MetricsTest {

    private static final String MANIFEST_ROUTE = "/v2/{name}/manifests/{reference}";
    private static final String ALICE = Htpasswd.basic("alice", "secret");

    @TempDir
    static Path folder;
    private static RegistryServer server;
    private static RegistryClient client;
    private static URI debug;

    @BeforeAll
    static void start() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 4, "alice", "secret");
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        RegistryConfig config = new RegistryConfig(plain.http().withDebug(new RegistryConfig.Debug("127.0.0.1", 0)),
                plain.storage(), plain.log(), Optional.of(new RegistryConfig.Htpasswd("test", htpasswd)));
        server = RegistryServer.start(config);
        client = new RegistryClient(server.baseUri());
        debug = server.debugUri().orElseThrow();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Metrics are recorded once the answer is complete: wait for a count to reach a value. */
    private static PrometheusText awaitCount(String name, double atLeast, String... labels) {
        return Eventually.awaitValue(Duration.ofSeconds(5), Duration.ofMillis(20), () -> name + " to reach " + atLeast,
                () -> {
                    PrometheusText page = PrometheusText.scrape(debug);
                    return page.sum(name, labels) >= atLeast ? page : null;
                });
    }

    @Test
    void requestsAreCountedByRoutePatternMethodAndStatusWithTheirLatency() {
        String repo = RunningRegistry.newRepository("metrics");
        byte[] config = Blobs.config();
        String configDigest = Blobs.sha256(config);
        String location = client.post("/v2/" + repo + "/blobs/uploads/", null, "Authorization", ALICE)
                .requireHeader("Location");
        assertEquals(201, client.put(RegistryClient.withQuery(location, "digest=" + configDigest), config,
                "Authorization", ALICE, "Content-Type", "application/octet-stream").status());
        byte[] manifest = Blobs.imageManifest(configDigest, config.length);
        assertEquals(201, client.put("/v2/" + repo + "/manifests/v1", manifest, "Authorization", ALICE,
                "Content-Type", Blobs.OCI_MANIFEST).status());
        String[] get = {"route", MANIFEST_ROUTE, "method", "GET", "status", "200"};
        double before = PrometheusText.scrape(debug).sum("berth_http_request_duration_seconds_count", get);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, client.get("/v2/" + repo + "/manifests/v1", "Authorization", ALICE,
                    "Accept", Blobs.OCI_MANIFEST).status());
        }
        assertEquals(404, client.get("/v2/" + repo + "/manifests/missing", "Authorization", ALICE).status());

        PrometheusText page = awaitCount("berth_http_request_duration_seconds_count", before + 3, get);
        assertEquals(before + 3, page.sum("berth_http_request_duration_seconds_count", get));
        assertTrue(page.sum("berth_http_request_duration_seconds_count", "route", MANIFEST_ROUTE, "status", "404") >= 1);
        assertTrue(page.sum("berth_http_request_duration_seconds_bucket", "route", MANIFEST_ROUTE, "method", "GET",
                "status", "200", "le", "+Inf") >= 3, "a histogram with buckets");
        assertTrue(page.sum("berth_http_request_duration_seconds_sum", get) > 0);
        assertTrue(page.sum("berth_http_response_bytes_total", "route", MANIFEST_ROUTE, "method", "GET")
                >= 3.0 * manifest.length, "bytes out");
        assertTrue(page.sum("berth_http_request_bytes_total", "route", MANIFEST_ROUTE, "method", "PUT")
                >= manifest.length, "bytes in");
        assertTrue(page.sum("berth_http_request_bytes_total", "route", "/v2/{name}/blobs/uploads/{uuid}")
                >= config.length, "upload bytes in");
        assertEquals(0, page.sum("berth_uploads_in_progress"), "no upload body under way now");
        assertTrue(page.sum("berth_storage_operation_duration_seconds_count", "operation", "read") > 0, page::text);
        assertTrue(page.sum("berth_storage_operation_duration_seconds_count", "operation", "commitUpload") >= 1);
        assertTrue(page.has("jvm_memory_used_bytes"), "JVM memory");
        assertTrue(page.has("jvm_threads_current"), "JVM threads");
    }

    @Test
    void aRequestWaitingInItsHandlerIsInProgressUntilItEnds() throws Exception {
        String location = client.post("/v2/metrics/held/blobs/uploads/", new byte[0], "Authorization", ALICE)
                .header("Location").orElseThrow();
        try (RawRequest held = RawRequest.open(server.baseUri(), "PATCH", location, "Authorization: " + ALICE,
                "Content-Type: application/octet-stream", "Content-Length: 1048576")) {
            awaitGauges(1, 1); // the headers are in: its handler waits for the body
        }
        awaitGauges(0, 0);
    }

    private static void awaitGauges(double requests, double uploads) {
        Eventually.await(Duration.ofSeconds(10), Duration.ofMillis(20),
                requests + " requests and " + uploads + " uploads in progress", () -> {
                    PrometheusText page = PrometheusText.scrape(debug);
                    return page.sum("berth_http_requests_in_progress") == requests
                            && page.sum("berth_uploads_in_progress") == uploads;
                });
    }

    @Test
    void passwordChecksAndRefusedLoginsAreCounted() {
        double mismatched = PrometheusText.scrape(debug).sum("berth_password_checks_total", "outcome", "mismatched");
        double refused = PrometheusText.scrape(debug).sum("berth_http_request_duration_seconds_count",
                "route", "/v2/", "status", "401");
        assertEquals(401, client.get("/v2/", "Authorization", Htpasswd.basic("alice", "wrong-1")).status());
        assertEquals(200, client.get("/v2/", "Authorization", ALICE).status());

        PrometheusText page = awaitCount("berth_http_request_duration_seconds_count", refused + 1, "route", "/v2/",
                "status", "401");
        assertEquals(mismatched + 1, page.sum("berth_password_checks_total", "outcome", "mismatched"));
        assertTrue(page.sum("berth_password_checks_total", "outcome", "matched") >= 1);
    }

    @Test
    void unknownPathsShareOneRouteLabel() {
        for (int i = 0; i < 3; i++) {
            client.get("/nothing/here/" + i);
        }
        PrometheusText page = awaitCount("berth_http_request_duration_seconds_count", 3, "route", "other");
        assertTrue(!page.text().contains("/nothing/here"), "a raw path never becomes a label");
    }

    @Test
    void metricsAreOnTheDebugListenerOnlyAndItAnswersHealth() {
        assertNotEquals(server.baseUri().getPort(), debug.getPort());
        assertEquals(404, client.get("/metrics", "Authorization", ALICE).status(), "not on the API port");
        RegistryClient debugClient = new RegistryClient(debug);
        RegistryClient.Response metrics = debugClient.get("/metrics");
        assertTrue(metrics.requireHeader("Content-Type").startsWith("text/plain"), metrics::toString);
        assertEquals(200, debugClient.get("/healthz").status());
        Eventually.await(Duration.ofSeconds(10), Duration.ofMillis(50), "readiness after the first storage read",
                () -> debugClient.get("/readyz").status() == 200);
        assertEquals(404, debugClient.get("/v2/").status(), "no API on the debug listener");
    }
}
