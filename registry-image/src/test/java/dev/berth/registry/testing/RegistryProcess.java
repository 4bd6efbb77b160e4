package dev.berth.registry.testing;

import dev.berth.registry.storage.s3.S3ProxyFixture;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A registry in its own JVM, set up only by {@code REGISTRY_*} environment variables, as in a
 * container: for tests that run several registries side by side, or kill one with SIGKILL.
 * The machine's own {@code AWS_*} and {@code REGISTRY_*} variables never reach it.
 */
public final class RegistryProcess implements AutoCloseable {

    /** How the registry is started. */
    public enum Launch {
        /** {@code java -jar target/registry.jar}, as the image runs it (integration-test phase, after package). */
        JAR,
        /** {@code dev.berth.registry.Main serve} on the test classpath (any phase). */
        TEST_CLASSPATH
    }

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final boolean ownsLog;

    private RegistryProcess(String name, Process process, int port, Path log, boolean ownsLog) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.ownsLog = ownsLog;
    }

    /**
     * Starts a registry on 127.0.0.1 and a free port; {@link #awaitReady()} waits until it answers.
     *
     * @param log where its output is appended (kept, e.g. across a kill and restart), or null
     *     for a temporary file removed by {@link #close()}
     */
    public static RegistryProcess start(String name, Launch launch, Map<String, String> environment,
            List<String> jvmOptions, Path log) throws IOException {
        int port = FreePort.pick();
        boolean ownsLog = log == null;
        Path output = ownsLog ? Files.createTempFile("berth-registry-" + name + "-", ".log") : log;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (launch == Launch.JAR) {
            command.addAll(List.of("-jar", jar().toString(), "serve"));
        } else {
            command.addAll(List.of("--add-opens", "java.base/sun.security.provider=ALL-UNNAMED",
                    "-cp", testClasspath(), "dev.berth.registry.Main", "serve"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        S3ProxyFixture.scrubAwsEnvironment(builder.environment());
        builder.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
        builder.environment().putAll(environment);
        builder.environment().put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        return new RegistryProcess(name, builder.start(), port, output, ownsLog);
    }

    /** The packaged jar; fails the test with a hint when {@code package} has not built it. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("berth.registry.jar", "target/registry.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: run this test in Maven's integration-test phase"
                    + " (mvn verify), after package builds the jar");
        }
        return jar;
    }

    /** Waits until {@code /v2/} answers 200; fails with the registry's log if it exits or takes over 60 s. */
    public RegistryProcess awaitReady() throws Exception {
        return awaitReady("/v2/");
    }

    /** Waits until {@code path} answers 200 ({@code /healthz} for a registry that wants credentials). */
    public RegistryProcess awaitReady(String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("registry " + name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) base().resolve(path).toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(5000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("registry " + name + " not ready within 60 s:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no cleanup; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM (as ECS or {@code docker stop} sends it); does not wait. */
    public void terminate() {
        process.destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; false if it still runs after {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The classpath of Maven's test run (surefire names it; a plain run has it in java.class.path). */
    public static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        }
        if (ownsLog) {
            Files.deleteIfExists(log);
        }
    }
}
