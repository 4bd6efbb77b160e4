package dev.berth.registry.storage.s3;

import dev.berth.registry.testing.FreePort;
import dev.berth.registry.config.RegistryConfig;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server for the tests: S3Proxy (filesystem-backed) in a child process on
 * 127.0.0.1, started once per test JVM and stopped when the JVM exits. A separate process, not
 * in-process, because S3Proxy brings its own Jetty and libraries.
 *
 * <p>Nothing here depends on the machine's {@code AWS_*} variables or {@code ~/.aws}: the child
 * gets an environment without them, and every client is configured explicitly (endpoint,
 * static credentials, region, path-style, no profile file).
 */
public final class S3ProxyFixture {

    public static final String ACCESS_KEY = "berth-test";
    public static final String SECRET_KEY = "berth-test-secret";
    public static final String REGION = "us-east-1";

    private static S3ProxyFixture instance;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final Process process;
    private final URI endpoint;
    private final Path dataDir;
    private final S3Client admin;

    private S3ProxyFixture(Process process, URI endpoint, Path dataDir) {
        this.process = process;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
        this.admin = client(endpoint);
    }

    /** The shared server, started on first use. */
    public static synchronized S3ProxyFixture get() throws Exception {
        if (instance == null || !instance.process.isAlive()) {
            instance = start();
            S3ProxyFixture started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "s3proxy-stop"));
        }
        return instance;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client for the test's own checks, fully configured here. */
    public S3Client admin() {
        return admin;
    }

    /** A new, empty bucket. */
    public String newBucket() {
        String name = "berth-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        admin.createBucket(b -> b.bucket(name));
        return name;
    }

    /** Deletes every object of {@code bucket} (to give back the disk space of large tests). */
    public void emptyBucket(String bucket) {
        admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()
                .forEach(o -> admin.deleteObject(b -> b.bucket(bucket).key(o.key())));
        admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().forEach(u -> admin.abortMultipartUpload(
                b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
    }

    /** Registry settings for {@code bucket} on this server (path-style, static keys). */
    public RegistryConfig.S3 settings(String bucket, String rootDirectory, long chunkSize) {
        return new RegistryConfig.S3(bucket, REGION, Optional.of(endpoint.toString()), true, rootDirectory, chunkSize,
                Optional.of(ACCESS_KEY), Optional.of(SECRET_KEY), false, false, "STANDARD");
    }

    /** The {@code REGISTRY_STORAGE_S3_*} environment selecting {@code bucket} on this server. */
    public Map<String, String> registryEnvironment(String bucket) {
        return Map.of(
                "REGISTRY_STORAGE", "s3",
                "REGISTRY_STORAGE_S3_BUCKET", bucket,
                "REGISTRY_STORAGE_S3_REGION", REGION,
                "REGISTRY_STORAGE_S3_REGIONENDPOINT", endpoint.toString(),
                "REGISTRY_STORAGE_S3_FORCEPATHSTYLE", "true",
                "REGISTRY_STORAGE_S3_ACCESSKEY", ACCESS_KEY,
                "REGISTRY_STORAGE_S3_SECRETKEY", SECRET_KEY);
    }

    /** An S3 client that reads nothing from the environment or {@code ~/.aws}. */
    public static S3Client client(URI endpoint, ExecutionInterceptor... interceptors) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .addPlugin(LegacyMd5Plugin.create())
                .fipsEnabled(false)
                .dualstackEnabled(false)
                .overrideConfiguration(o -> {
                    o.defaultProfileFile(ProfileFile.aggregator().build()).defaultProfileName("default");
                    for (ExecutionInterceptor i : interceptors) {
                        o.addExecutionInterceptor(i);
                    }
                })
                .httpClientBuilder(Apache5HttpClient.builder())
                .build();
    }

    /** The S3Proxy jar, copied by the pom's s3proxy-jar profile. */
    static Path jar() {
        String configured = System.getProperty("berth.s3proxy.jar");
        Path jar = configured != null ? Path.of(configured) : Path.of("target", "s3proxy", "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar.toAbsolutePath()
                    + ": run the tests through Maven (mvn test), which copies it there");
        }
        return jar;
    }

    /** An environment for child processes with no {@code AWS_*} variables of this machine. */
    public static void scrubAwsEnvironment(Map<String, String> environment) {
        environment.keySet().removeIf(k -> k.startsWith("AWS_"));
    }

    private static S3ProxyFixture start() throws Exception {
        Path dataDir = Files.createTempDirectory("berth-s3proxy-");
        Path blobs = Files.createDirectories(dataDir.resolve("blobs"));
        int port = FreePort.pick();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        Path properties = dataDir.resolve("s3proxy.conf");
        Files.write(properties, List.of(
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                // The SDK sends x-amz-checksum-crc32 with DeleteObjects (beside Content-MD5), a header
                // S3Proxy has refused with 501 (2.6) unless told to ignore headers it does not know.
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + blobs));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-jar", jar().toAbsolutePath().toString(), "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("s3proxy.log").toFile());
        scrubAwsEnvironment(builder.environment());
        builder.environment().put("LOG_LEVEL", "warn");
        Process process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ": "
                        + Files.readString(dataDir.resolve("s3proxy.log")));
            }
            if (answers(endpoint)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("S3Proxy did not start within 60 s");
            }
            Thread.sleep(100);
        }
        return new S3ProxyFixture(process, endpoint, dataDir);
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int status = c.getResponseCode(); // 403 without a signature: it is up
            c.disconnect();
            return status > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private void stop() {
        admin.close();
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** A fresh unique name for a root directory inside a bucket. */
    public static String uniqueRoot() {
        return "root-" + UUID.randomUUID();
    }
}
