package dev.berth.registry.testing;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test: a real filesystem that really fills up (ENOSPC), by
 * bytes ({@code size=8m}) or by inodes ({@code nr_inodes=64}). Mounting needs root: without it
 * the test is skipped, except in CI ({@code CI=true}), which runs as root and must run it.
 */
public final class TmpfsMount implements AutoCloseable {

    private final Path path;

    private TmpfsMount(Path path) {
        this.path = path;
    }

    /** @param options tmpfs mount options, e.g. {@code size=8m} */
    public static TmpfsMount mount(String options) throws Exception {
        Requirement.require(Requirement.isRoot(), "root, to mount a tmpfs");
        Path dir = Files.createTempDirectory("berth-tmpfs-");
        run("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString());
        return new TmpfsMount(dir);
    }

    public Path path() {
        return path;
    }

    /** Bytes a non-root writer may still use. */
    public long usableSpace() throws IOException {
        return Files.getFileStore(path).getUsableSpace();
    }

    /** Takes all but {@code leave} bytes of free space with one file, as other data on a shared disk would. */
    public Path fillLeaving(long leave) throws Exception {
        Path filler = path.resolve("filler");
        long size = usableSpace() - leave;
        run("fallocate", "-l", Long.toString(size), filler.toString());
        return filler;
    }

    @Override
    public void close() throws Exception {
        run("umount", path.toString());
        Files.deleteIfExists(path);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed: " + output.strip());
        }
    }
}
