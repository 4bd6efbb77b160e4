package dev.berth.registry.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What a test needs from the machine (a tool on PATH, root). Missing on a developer machine:
 * the test is skipped. Missing in CI ({@code CI=true}): the test fails, so a run without the
 * tool can never pass by skipping what it was meant to prove.
 */
public final class Requirement {

    private Requirement() {}

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips locally and fails in CI unless {@code met}. */
    public static void require(boolean met, String what) {
        require(met, what, inCi());
    }

    static void require(boolean met, String what, boolean ci) {
        if (met) {
            return;
        }
        if (ci) {
            fail("CI=true and this test needs " + what + ": install it rather than skip the test");
        }
        assumeTrue(false, "needs " + what + " (CI does not skip this)");
    }

    /** Every tool named must be on PATH: skipped locally, failed in CI. */
    public static void requireTools(String... tools) {
        List<String> missing = Arrays.stream(tools).filter(t -> !onPath(t)).toList();
        require(missing.isEmpty(), String.join(", ", missing) + " on PATH");
    }

    public static boolean onPath(String tool) {
        return findOnPath(tool) != null;
    }

    /** The executable's full path, or null. */
    public static Path findOnPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }

    public static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
