package dev.berth.registry.load;

import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The registry jar as the image runs it in the stack's 1 GiB container: its JVM flags and malloc setting. */
final class ImageJvm {

    /** The Dockerfile's JDK_JAVA_OPTIONS, with the container's memory limit made explicit. */
    static final List<String> FLAGS = List.of("-XX:MaxRAM=1g", "-XX:MaxRAMPercentage=40", "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-XX:TrimNativeHeapInterval=2000");
    static final long CONTAINER_BYTES = 1L << 30;

    private ImageJvm() {}

    static RegistryProcess start(String name, Path root, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("MALLOC_ARENA_MAX", "2");
        env.put("REGISTRY_STORAGE", "filesystem");
        env.put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString());
        env.put("REGISTRY_HTTP_SECRET", "load-test-secret");
        return RegistryProcess.start(name, RegistryProcess.Launch.JAR, env, FLAGS, null).awaitReady();
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
