package dev.berth.registry.storage.s3;

import dev.berth.registry.config.RegistryConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds {@link S3Storage} from registry:2's {@code storage.s3.*} settings.
 *
 * <ul>
 *   <li>Credentials: {@code accesskey}/{@code secretkey} when both are set, otherwise the SDK's
 *       default chain (on ECS: the task role).
 *   <li>{@code regionendpoint}: an S3-compatible server or a VPC endpoint; without a scheme,
 *       {@code secure} picks https (default) or http. With an endpoint, checksums are only sent
 *       where S3 requires them, and as Content-MD5: many S3-compatible servers reject the newer
 *       CRC headers.
 *   <li>{@code forcepathstyle}: {@code endpoint/bucket/key} URLs instead of {@code bucket.endpoint/key}.
 *   <li>{@code redirect}: the presigner for blob redirects (unless {@code storage.redirect.disable}).
 * </ul>
 */
public final class S3StorageFactory {

    /**
     * Connections to S3 per process. A blob streamed to a client (redirects off) holds one
     * for the whole download, so this is generous; idle ones cost little.
     */
    static final int MAX_CONNECTIONS = 512;

    private S3StorageFactory() {}

    public static S3Storage create(RegistryConfig.S3 settings, boolean redirects) {
        AwsCredentialsProvider credentials = credentials(settings);
        Region region = Region.of(settings.region());
        Optional<URI> endpoint = settings.regionEndpoint().map(e -> endpoint(e, settings.secure()));

        S3ClientBuilder client = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(settings.forcePathStyle())
                // Checksums only where S3 demands one, on AWS as on the S3-compatible servers the
                // tests run against: a default CRC32 on UploadPart, with none declared when the
                // multipart upload is created, is reported to make AWS refuse the completion
                // (InvalidPart). Blobs are verified by their SHA-256 digest as they arrive.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(MAX_CONNECTIONS)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        endpoint.ifPresent(e -> client.endpointOverride(e)
                .fipsEnabled(false)
                .dualstackEnabled(false)
                // Content-MD5 where S3 requires a checksum (DeleteObjects), as older servers expect.
                .addPlugin(LegacyMd5Plugin.create()));

        S3Presigner presigner = null;
        if (redirects) {
            S3Presigner.Builder builder = S3Presigner.builder()
                    .region(region)
                    .credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder()
                            .pathStyleAccessEnabled(settings.forcePathStyle()).build());
            endpoint.ifPresent(builder::endpointOverride);
            presigner = builder.build();
        }
        return new S3Storage(client.build(), presigner, settings.bucket(), settings.rootDirectory(),
                settings.chunkSize(), settings.encrypt(), settings.storageClass());
    }

    static AwsCredentialsProvider credentials(RegistryConfig.S3 settings) {
        if (settings.accessKey().isPresent() && settings.secretKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    static URI endpoint(String endpoint, boolean secure) {
        String url = endpoint.contains("://") ? endpoint : (secure ? "https://" : "http://") + endpoint;
        return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
}
