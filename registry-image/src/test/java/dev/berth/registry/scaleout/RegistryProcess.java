package dev.berth.registry.scaleout;

import dev.berth.registry.storage.s3.S3ProxyFixture;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A registry in its own JVM ({@code dev.berth.registry.Main serve} on the test classpath), set
 * up only by {@code REGISTRY_*} environment variables, as in a container. The machine's
 * {@code AWS_*} variables are removed so nothing but the given settings reaches the SDK.
 */
public final class RegistryProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final URI base;
    private final Path log;

    private RegistryProcess(String name, Process process, URI base, Path log) {
        this.name = name;
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** Starts a registry; {@link #awaitReady()} waits until it answers. */
    public static RegistryProcess start(String name, Map<String, String> environment, String maxHeap,
            List<String> extraJvmOptions) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("berth-registry-" + name + "-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        command.add("--add-opens");
        command.add("java.base/sun.security.provider=ALL-UNNAMED");
        command.addAll(extraJvmOptions);
        command.add("-cp");
        command.add(classpath());
        command.add("dev.berth.registry.Main");
        command.add("serve");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        S3ProxyFixture.scrubAwsEnvironment(builder.environment());
        builder.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
        builder.environment().putAll(environment);
        builder.environment().put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        return new RegistryProcess(name, builder.start(), URI.create("http://127.0.0.1:" + port), log);
    }

    public RegistryProcess awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("registry " + name + " exited with " + process.exitValue() + ":\n"
                        + log());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) base.resolve("/v2/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(5000);
                if (c.getResponseCode() == 200) {
                    c.disconnect();
                    return this;
                }
                c.disconnect();
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("registry " + name + " not ready within 60 s:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    public URI base() {
        return base;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** The classpath Maven's test run uses (surefire names it; a plain run has it in java.class.path). */
    static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }
}
