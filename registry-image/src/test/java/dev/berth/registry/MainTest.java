package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.FreePort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    /** Runs {@code action} with stderr captured; returns [status, stderr]. */
    private static Object[] withStderr(Supplier<Integer> action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Object[] {action.get(), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void unknownCommandIsAUsageErrorNamingIt() {
        Object[] result = withStderr(() -> Main.run(List.of("frobnicate", "config.yml"), Map.of()));

        assertEquals(Main.USAGE, result[0]);
        assertTrue(((String) result[1]).startsWith("berth: unknown command \"frobnicate\""), (String) result[1]);
    }

    @Test
    void garbageCollectWithAGraceBelowTheMinimumIsAUsageErrorThatOpensNoStorage() {
        Object[] result = withStderr(() -> Main.run(List.of("garbage-collect", "--grace=1m", "config.yml"), Map.of()));

        assertEquals(Main.USAGE, result[0]);
        assertTrue(((String) result[1]).startsWith("berth: --grace must be at least 2h"), (String) result[1]);
    }

    @Test
    void invalidConfigurationPrintsTheMessageWithoutAStackTraceAndFails() {
        Object[] result = withStderr(() -> Main.run(List.of(), Map.of("REGISTRY_HTTP_ADDR", ":70000")));

        assertEquals(Main.FAILED, result[0]);
        assertEquals("berth: invalid configuration: http.addr: port must be 1-65535, got 70000 (set by REGISTRY_HTTP_ADDR)",
                ((String) result[1]).strip());
    }

    @Test
    void serveWithAConfigFileReadsThatFile() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yml"), "storage:\n  s3:\n    bucket: b\n");

        Object[] result = withStderr(() -> Main.run(List.of("serve", config.toString()), Map.of()));

        assertEquals(Main.FAILED, result[0]);
        assertTrue(((String) result[1]).contains("storage.s3.region: required"), (String) result[1]);
    }

    @Test
    void aConfigFileAloneMeansServe() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yml"), "storage:\n  s3:\n    bucket: b\n");

        Object[] result = withStderr(() -> Main.run(List.of(config.toString()), Map.of()));

        assertTrue(((String) result[1]).contains("storage.s3.region: required"), (String) result[1]);
    }

    @Test
    void missingConfigFileFails() {
        Object[] result = withStderr(() -> Main.run(List.of("serve", dir.resolve("none.yml").toString()), Map.of()));

        assertEquals(Main.FAILED, result[0]);
        assertTrue(((String) result[1]).contains("none.yml: config file not found"));
    }

    @Test
    void tooManyArgumentsIsAUsageError() {
        Object[] result = withStderr(() -> Main.run(List.of("serve", "a.yml", "b.yml"), Map.of()));

        assertEquals(Main.USAGE, result[0]);
    }

    @Test
    void healthcheckFailsWhenNothingListens() throws IOException {
        int finalPort = FreePort.pick();

        Object[] result = withStderr(() -> Main.run(List.of("healthcheck"),
                Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:" + finalPort, "REGISTRY_HTTP_SECRET", "s")));

        assertEquals(Main.FAILED, result[0]);
        assertTrue(((String) result[1]).contains("http://127.0.0.1:" + finalPort + "/healthz unreachable"),
                (String) result[1]);
    }

    @Test
    void healthcheckUsesLoopbackWhenTheRegistryListensEverywhere() throws IOException {
        int port = FreePort.pick();
        int finalPort = port;

        Object[] result = withStderr(() -> Main.run(List.of("healthcheck"),
                Map.of("REGISTRY_HTTP_ADDR", ":" + finalPort, "REGISTRY_HTTP_SECRET", "s")));

        assertEquals(Main.FAILED, result[0]);
        assertTrue(((String) result[1]).contains("http://127.0.0.1:" + port + "/healthz"), (String) result[1]);
    }

    @Test
    void startFailuresAreOneLineOfCauses() {
        Exception e = new java.io.IOException("Failed to bind to /127.0.0.1:5000", new BindException("Address already in use"));

        assertEquals("Failed to bind to /127.0.0.1:5000: Address already in use", Main.causes(e));
        assertFalse(Main.causes(e).contains("at "));
    }
}
