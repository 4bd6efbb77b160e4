package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.FreePort;
import dev.berth.registry.testing.PrometheusText;
import dev.berth.registry.testing.RegistryClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Storage operations on S3 are timed and their failures counted, per operation. */
class S3StorageMetricsTest {

    static RegistryConfig onS3(RegistryConfig.S3 settings) {
        RegistryConfig plain = RegistryConfig.forFilesystem(Path.of("unused"), true);
        return new RegistryConfig(plain.http().withDebug(new RegistryConfig.Debug("127.0.0.1", 0)),
                new RegistryConfig.StorageSettings(RegistryConfig.Driver.S3, null, Optional.of(settings), true, true,
                        new RegistryConfig.UploadPurging(false, Duration.ofDays(7), Duration.ofHours(24))),
                plain.log(), Optional.empty());
    }

    @Test
    void operationsOnS3AreTimedByOperation() throws Exception {
        S3ProxyFixture s3 = S3ProxyFixture.get();
        RegistryConfig config = onS3(s3.settings(s3.newBucket(), S3ProxyFixture.uniqueRoot(), 5L << 20));
        try (RegistryServer server = RegistryServer.start(config)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            byte[] blob = Blobs.random(200_000);
            String digest = client.pushBlob("metrics/s3", blob);
            assertEquals(200, client.get("/v2/metrics/s3/blobs/" + digest).status());

            PrometheusText page = PrometheusText.scrape(server.debugUri().orElseThrow());
            for (String operation : new String[] {"createUpload", "appendUpload", "commitUpload", "findBlob"}) {
                assertTrue(page.sum("berth_storage_operation_duration_seconds_count", "operation", operation) >= 1,
                        () -> operation + " not counted:\n" + page.text());
            }
            assertTrue(page.sum("berth_storage_operation_duration_seconds_sum", "operation", "commitUpload") > 0);
            assertEquals(0, page.sum("berth_storage_operation_errors_total"), page::text);
        }
    }

    @Test
    void failuresOfAnUnreachableS3AreCounted() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + FreePort.pick());
        RegistryConfig.S3 settings = new RegistryConfig.S3("nowhere", S3ProxyFixture.REGION,
                Optional.of(nowhere.toString()), true, "", 5L << 20, Optional.of(S3ProxyFixture.ACCESS_KEY),
                Optional.of(S3ProxyFixture.SECRET_KEY), false, false, "STANDARD");
        try (RegistryServer server = RegistryServer.start(onS3(settings))) {
            RegistryClient client = new RegistryClient(server.baseUri());
            assertEquals(503, client.get("/v2/metrics/s3/manifests/v1").status());
            URI debug = server.debugUri().orElseThrow();
            Eventually.await(Duration.ofSeconds(10), Duration.ofMillis(50), "the failed reads to be counted",
                    () -> PrometheusText.scrape(debug).sum("berth_storage_operation_errors_total") >= 1);
        }
    }
}
