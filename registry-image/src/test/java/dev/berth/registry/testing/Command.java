package dev.berth.registry.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external tool (skopeo, buildah, podman, htpasswd) with a time limit; output and errors in one text. */
public record Command(int exitCode, String output) {

    public static Command run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("berth-cmd-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " took over " + timeoutSeconds + " s:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Command(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Runs and requires exit code 0; answers the output. */
    public static String ok(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Command result = run(command, timeoutSeconds);
        if (result.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }

    /** skopeo with {@code --insecure-policy} (the tests trust their own images), which must succeed. */
    public static String skopeo(String... args) throws IOException, InterruptedException {
        return ok(skopeoCommand(args), SKOPEO_TIMEOUT_SECONDS);
    }

    /** skopeo as {@link #skopeo}, for a test that expects it to fail. */
    public static Command trySkopeo(String... args) throws IOException, InterruptedException {
        return run(skopeoCommand(args), SKOPEO_TIMEOUT_SECONDS);
    }

    private static final int SKOPEO_TIMEOUT_SECONDS = 180;

    private static List<String> skopeoCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        return command;
    }
}
