package dev.berth.registry.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The reference registry, CNCF Distribution's {@code docker-registry} (apt), on 127.0.0.1 with
 * filesystem storage under a folder of the test's, for tests that compare Berth's answers with its.
 */
public final class ReferenceRegistry implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final RegistryClient client;

    private ReferenceRegistry(Process process, Path log, RegistryClient client) {
        this.process = process;
        this.log = log;
        this.client = client;
    }

    /**
     * Starts it and waits until {@code GET /v2/} answers (200, or 401 with an auth section).
     *
     * @param auth YAML of an {@code auth:} section (indented as at the top level), or "" for none
     */
    public static ReferenceRegistry start(Path dir, String auth) throws IOException, InterruptedException {
        Requirement.requireTools("docker-registry"); // apt-get install docker-registry
        int port = FreePort.pick();
        Path config = Files.writeString(dir.resolve("reference.yml"), """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  secret: comparison
                """.formatted(dir.resolve("reference-data"), port) + auth);
        Path log = dir.resolve("reference.log");
        Process process = new ProcessBuilder(Requirement.findOnPath("docker-registry").toString(), "serve",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ReferenceRegistry reference = new ReferenceRegistry(process, log,
                new RegistryClient(URI.create("http://127.0.0.1:" + port)));
        reference.awaitReady();
        return reference;
    }

    public RegistryClient client() {
        return client;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                int status = client.get("/v2/").status();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                close();
                throw new AssertionError("docker-registry did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
