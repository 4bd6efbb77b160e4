package dev.berth.cdk.service;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * S3Proxy (filesystem-backed) in a child process on 127.0.0.1, started the way the registry
 * half's {@code S3ProxyFixture} starts it, from the jar its build copies to
 * {@code registry-image/target/s3proxy/}. A separate process: S3Proxy brings its own Jetty.
 * Buckets are directories of the filesystem backend, so this side needs no S3 client.
 */
final class S3ProxyProcess implements AutoCloseable {

    static final String ACCESS_KEY = "berth-test";
    static final String SECRET_KEY = "berth-test-secret";

    private final Process process;
    private final URI endpoint;
    private final Path blobs;
    private final Path log;

    private S3ProxyProcess(Process process, URI endpoint, Path blobs, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.blobs = blobs;
        this.log = log;
    }

    static S3ProxyProcess start(Path workDir, Path java) throws Exception {
        Path blobs = Files.createDirectories(workDir.resolve("s3-blobs"));
        URI endpoint = URI.create("http://127.0.0.1:" + Ports.free());
        Path properties = workDir.resolve("s3proxy.conf");
        Files.write(properties, List.of(
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                // As in the registry half: the AWS SDK sends checksum headers S3Proxy has refused (2.6).
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem-nio2",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + blobs));
        Path log = workDir.resolve("s3proxy.log");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
                "-jar", RegistryArtifacts.s3ProxyJar().toString(), "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        builder.environment().put("LOG_LEVEL", "warn");
        S3ProxyProcess s3 = new S3ProxyProcess(builder.start(), endpoint, blobs, log);
        try {
            s3.awaitAnswer(Duration.ofSeconds(60));
        } catch (Exception e) {
            s3.close();
            throw e;
        }
        return s3;
    }

    URI endpoint() {
        return endpoint;
    }

    int port() {
        return endpoint.getPort();
    }

    /** A new empty bucket: with the filesystem backend, a directory under the base directory. */
    Path createBucket(String name) throws IOException {
        return Files.createDirectory(blobs.resolve(name));
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no S3Proxy log: " + e + ")";
        }
    }

    private void awaitAnswer(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with " + process.exitValue() + ":\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not answer within " + timeout + ":\n" + log());
            }
            Thread.sleep(100);
        }
    }

    private boolean answers() {
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

    @Override
    public void close() throws InterruptedException {
        Processes.stop(process);
    }
}
