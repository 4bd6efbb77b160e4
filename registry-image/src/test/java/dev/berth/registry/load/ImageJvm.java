package dev.berth.registry.load;

import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.FreePort;
import dev.berth.registry.testing.PrometheusText;
import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The registry jar as the image runs it in the stack's 1 GiB container: its JVM flags and malloc setting. */
final class ImageJvm {

    /** The Dockerfile's JDK_JAVA_OPTIONS, with the container's memory limit made explicit. */
    static final List<String> FLAGS = List.of("-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=40", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-XX:TrimNativeHeapInterval=2000");
    static final long CONTAINER_BYTES = 1L << 30;

    /** Each process's metrics listener (http.debug.addr), by process id. */
    private static final Map<Long, URI> DEBUG = new ConcurrentHashMap<>();

    private ImageJvm() {}

    static RegistryProcess start(String name, Path root, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("MALLOC_ARENA_MAX", "2");
        env.put("REGISTRY_STORAGE", "filesystem");
        env.put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString());
        env.put("REGISTRY_HTTP_SECRET", "load-test-secret");
        int debugPort = FreePort.pick();
        env.put("REGISTRY_HTTP_DEBUG_ADDR", "127.0.0.1:" + debugPort);
        RegistryProcess registry = RegistryProcess.start(name, RegistryProcess.Launch.JAR, env, FLAGS, null)
                .awaitReady();
        DEBUG.put(registry.pid(), URI.create("http://127.0.0.1:" + debugPort));
        return registry;
    }

    /**
     * Waits until at least {@code count} requests have reached their handlers and are not answered
     * (the registry's {@code berth_http_requests_in_progress} gauge): the load is in place.
     */
    static void awaitInProgress(RegistryProcess registry, int count) {
        URI debug = DEBUG.get(registry.pid());
        Eventually.await(Duration.ofSeconds(30), Duration.ofMillis(100), count + " requests in their handlers",
                () -> PrometheusText.scrape(debug).sum("berth_http_requests_in_progress") >= count);
    }

    /** The process's peak resident memory (VmHWM), in bytes. */
    static long peakRss(RegistryProcess registry) throws IOException {
        return statusField(registry, "VmHWM:");
    }

    static long rss(RegistryProcess registry) throws IOException {
        return statusField(registry, "VmRSS:");
    }

    private static long statusField(RegistryProcess registry, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + registry.pid() + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IOException(field + " not in /proc/" + registry.pid() + "/status");
    }
}
