package dev.berth.registry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A containerd daemon of the test's own (apt {@code containerd}; root), on a private socket with
 * its own root and state folders, driven with {@code ctr}. Its CRI plugin is off: only the image
 * and content services are used.
 */
public final class Containerd implements AutoCloseable {

    private final Path dir;
    private final Process daemon;

    private Containerd(Path dir, Process daemon) {
        this.dir = dir;
        this.daemon = daemon;
    }

    /** Starts the daemon under {@code dir} (a short path: the socket's name must fit 108 bytes). */
    public static Containerd start(Path dir) throws IOException, InterruptedException {
        Requirement.requireTools("containerd", "ctr");
        Path config = Files.writeString(dir.resolve("config.toml"), """
                version = 2
                root = "%s"
                state = "%s"
                [grpc]
                  address = "%s"
                [plugins."io.containerd.grpc.v1.cri"]
                  disable = true
                """.formatted(dir.resolve("root"), dir.resolve("state"), dir.resolve("c.sock")));
        Process daemon = new ProcessBuilder("containerd", "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile()).start();
        Containerd containerd = new Containerd(dir, daemon);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Command.run(containerd.ctr("version"), 10).exitCode() != 0) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                containerd.close();
                throw new AssertionError("containerd did not start:\n" + containerd.log());
            }
            Thread.sleep(100);
        }
        return containerd;
    }

    /** A {@code ctr} command line against this daemon. */
    public List<String> ctr(String... args) {
        List<String> command = new ArrayList<>(List.of("ctr", "--address", dir.resolve("c.sock").toString()));
        command.addAll(List.of(args));
        return command;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("containerd.log"));
    }

    @Override
    public void close() throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor();
        }
    }
}
