package dev.berth.registry.storage.s3;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.storage.StorageUnavailableException;
import dev.berth.registry.storage.StoreCalls;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.FreePort;
import dev.berth.registry.testing.RegistryClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 failing for a while (throttling, no connection) is the backend's transient failure: the
 * storage says so ({@link StorageUnavailableException}) and the registry answers 503 with
 * Retry-After instead of 500; S3 refusing the request for good (bad credentials) is not. The
 * liveness check stays 200 meanwhile, the readiness check says what is wrong.
 */
class S3OutageTest {

    private static final String SLOW_DOWN = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
            + "<Message>Please reduce your request rate.</Message><RequestId>1</RequestId></Error>";
    private static S3ProxyFixture s3;
    private static String bucket;

    @BeforeAll
    static void server() throws Exception {
        s3 = S3ProxyFixture.get();
        bucket = s3.newBucket();
    }

    @Test
    void aThrottlingS3IsUnavailableForNowAndServesAgainAfterwards() throws Exception {
        AtomicBoolean throttling = new AtomicBoolean(true);
        // S3Proxy's real answers, turned into S3's "503 SlowDown" while throttling is on: the
        // SDK parses and retries them as it would S3's own.
        ExecutionInterceptor slowDown = new ExecutionInterceptor() {
            @Override
            public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes a) {
                return throttling.get() ? context.httpResponse().toBuilder().statusCode(503)
                        .statusText("Slow Down").putHeader("Content-Type", "application/xml").build()
                        : context.httpResponse();
            }

            @Override
            public Optional<java.io.InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                    ExecutionAttributes a) {
                return throttling.get()
                        ? Optional.of(new ByteArrayInputStream(SLOW_DOWN.getBytes(StandardCharsets.UTF_8)))
                        : context.responseBody();
            }
        };
        try (S3Storage storage = new S3Storage(S3ProxyFixture.client(s3.endpoint(), slowDown), null, bucket,
                S3ProxyFixture.uniqueRoot(), 5L << 20, false, "STANDARD")) {
            StorageUnavailableException read = assertThrows(StorageUnavailableException.class,
                    () -> storage.read("repositories/x/link"));
            assertFalse(read.getMessage().isBlank());
            assertThrows(StorageUnavailableException.class, () -> storage.write("repositories/x/link", new byte[] {1}));
            assertThrows(StorageUnavailableException.class, () -> StoreCalls.createUpload(storage, java.util.UUID.randomUUID()
                    .toString()));

            throttling.set(false);
            storage.write("repositories/x/link", new byte[] {1});
            assertArrayEquals(new byte[] {1}, storage.read("repositories/x/link").orElseThrow());
        }
    }

    @Test
    void badCredentialsAreNotATransientFailure() throws Exception {
        S3Client wrongKeys = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(S3ProxyFixture.REGION))
                .forcePathStyle(true).httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong")))
                .build();
        try (S3Storage storage = new S3Storage(wrongKeys, null, bucket, S3ProxyFixture.uniqueRoot(), 5L << 20, false,
                "STANDARD")) {
            IOException e = assertThrows(IOException.class, () -> storage.read("repositories/x/link"));
            assertFalse(e instanceof StorageUnavailableException, e::toString);
        }
    }

    @Test
    void aRegistryWhoseS3CannotBeReachedAnswers503WithRetryAfter() throws Exception {
        // A port nobody listens on: every request is refused, as when the endpoint is down.
        URI nowhere = URI.create("http://127.0.0.1:" + FreePort.pick());
        RegistryConfig.S3 settings = new RegistryConfig.S3(bucket, S3ProxyFixture.REGION,
                Optional.of(nowhere.toString()), true, "", 5L << 20, Optional.of(S3ProxyFixture.ACCESS_KEY),
                Optional.of(S3ProxyFixture.SECRET_KEY), false, false, "STANDARD");
        RegistryConfig plain = RegistryConfig.forFilesystem(java.nio.file.Path.of("unused"), false);
        RegistryConfig config = new RegistryConfig(plain.http(), new RegistryConfig.StorageSettings(
                RegistryConfig.Driver.S3, null, Optional.of(settings), false, true,
                new RegistryConfig.UploadPurging(false, Duration.ofDays(7), Duration.ofHours(24))),
                plain.log(), Optional.empty());
        try (RegistryServer server = RegistryServer.start(config)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            for (RegistryClient.Response r : new RegistryClient.Response[] {
                    client.post("/v2/outage/test/blobs/uploads/", null),
                    client.get("/v2/outage/test/manifests/v1"),
                    client.get("/v2/outage/test/tags/list")}) {
                JsonNode error = assertError(r, 503, "UNAVAILABLE");
                assertEquals("5", r.requireHeader("Retry-After"));
                assertFalse(error.path("message").asText().isBlank());
            }
            // Liveness (what the load balancer checks) does not ask S3: the task is alive and
            // answers 503 itself; readiness reports the storage problem.
            assertEquals(200, client.get("/healthz").status());
            RegistryClient.Response ready = Eventually.awaitValue(Duration.ofSeconds(30), Duration.ofMillis(200),
                    () -> "readiness to see the storage problem", () -> {
                        RegistryClient.Response r = client.get("/readyz");
                        return r.status() == 503 ? r : null;
                    });
            assertTrue(ready.text().contains("storage read failed"), ready::text);
        }
    }
}
