package dev.berth.registry.crash;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The packaged registry ({@code target/registry.jar}) run as its own process, configured as in a
 * container: {@code REGISTRY_*} variables. Only this lets a test kill it with SIGKILL.
 */
final class RegistryProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private RegistryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("berth.registry.jar", "target/registry.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: run this test in Maven's integration-test phase (mvn verify),"
                    + " after package builds the jar");
        }
        return jar;
    }

    /** Starts the registry on {@code root} and waits until it answers {@code /v2/}. */
    static RegistryProcess start(Path root, String secret, Path log) throws Exception {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("REGISTRY_"));
        env.put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        env.put("REGISTRY_HTTP_SECRET", secret);
        env.put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString());
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        RegistryProcess registry = new RegistryProcess(builder.start(), port, log);
        registry.awaitReady();
        return registry;
    }

    int port() {
        return port;
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("registry exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(baseUri().resolve("/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new AssertionError("registry did not answer within 60 s:\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
