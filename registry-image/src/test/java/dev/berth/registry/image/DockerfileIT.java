package dev.berth.registry.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Requirement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Builds the real Dockerfile with buildah from offline-assembled base images and runs the
 * image (scripts/verify-dockerfile.sh). Needs root, buildah and debootstrap (the script
 * installs it): on a developer machine without them it is skipped, in CI (CI=true) it fails.
 */
class DockerfileIT {

    private static final Path SCRIPT = Path.of("scripts/verify-dockerfile.sh");
    private static final Path LOG = Path.of("target/dockerfile-verify.log");
    private static final long TIMEOUT_MINUTES = 30;

    @Test
    void dockerfileBuildsAnImageThatServesTheRegistryAsNonRoot() throws Exception {
        requireToolsUnlessInCi();
        Files.createDirectories(LOG.getParent());

        Process process = new ProcessBuilder("bash", SCRIPT.toString())
                .redirectErrorStream(true)
                .redirectOutput(LOG.toFile())
                .start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            // SIGTERM first, so the script's trap removes its storage.
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
        lines.stream().filter(l -> l.startsWith("==>") || l.startsWith("    ")).forEach(System.out::println);

        assertTrue(finished, () -> SCRIPT + " took over " + TIMEOUT_MINUTES + " minutes:\n" + tail(lines));
        assertEquals(0, process.exitValue(), () -> SCRIPT + " failed (full log: " + LOG + "):\n" + tail(lines));
    }

    private static void requireToolsUnlessInCi() {
        Requirement.require(Requirement.isRoot(), "root");
        Requirement.requireTools("buildah");
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
