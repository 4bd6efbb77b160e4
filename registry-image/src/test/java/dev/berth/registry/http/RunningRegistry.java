package dev.berth.registry.http;

import dev.berth.registry.config.ConfigLoader;
import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.RegistryClient;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process registry on a fresh temporary folder, shared by the tests of one class:
 * {@code @RegisterExtension static final RunningRegistry registry = RunningRegistry.withDelete();}.
 * Tests isolate themselves by using their own repository names ({@link #newRepository}).
 */
public final class RunningRegistry implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger REPOSITORIES = new AtomicInteger();

    private final boolean deleteEnabled;
    private final Limits limits;
    private ConfigText configText;
    private Path configFolder;
    private Path root;
    private RegistryServer server;
    private RegistryClient client;

    private RunningRegistry(boolean deleteEnabled, Limits limits) {
        this.deleteEnabled = deleteEnabled;
        this.limits = limits;
    }

    public static RunningRegistry withDelete() {
        return new RunningRegistry(true, Limits.DEFAULTS);
    }

    public static RunningRegistry withoutDelete() {
        return new RunningRegistry(false, Limits.DEFAULTS);
    }

    /** A registry with other {@code limits.*} than the defaults. */
    public static RunningRegistry withLimits(Limits limits) {
        return new RunningRegistry(true, limits);
    }

    /** Returns a config.yml's text, having written any file it names (an htpasswd file) into {@code folder}. */
    @FunctionalInterface
    public interface ConfigText {
        String write(Path folder) throws IOException;
    }

    /**
     * A registry with the settings of a config.yml (auth, limits…), as an operator writes them;
     * the address and storage are the tests' own (loopback, a free port, a fresh folder).
     */
    public static RunningRegistry fromConfig(ConfigText text) {
        RunningRegistry registry = new RunningRegistry(true, Limits.DEFAULTS);
        registry.configText = text;
        return registry;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = Files.createTempDirectory("berth-test-");
        RegistryConfig config = RegistryConfig.forFilesystem(root, deleteEnabled).withLimits(limits);
        if (configText != null) {
            configFolder = Files.createTempDirectory("berth-config-");
            Path file = Files.writeString(configFolder.resolve("config.yml"), configText.write(configFolder));
            // The storage is the test's own; a config.yml without any would be refused.
            RegistryConfig loaded = new ConfigLoader().load(Optional.of(file),
                    Map.of("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString()));
            config = new RegistryConfig(config.http(), config.storage(), loaded.log(), loaded.htpasswd(),
                    loaded.limits(), loaded.access(), loaded.aws(), loaded.bearer(), loaded.token(), Optional.empty());
        }
        server = RegistryServer.start(config);
        client = new RegistryClient(server.baseUri());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
        }
        deleteTree(root);
        deleteTree(configFolder);
    }

    /** The folder a {@link #fromConfig} registry's config.yml and its files are in. */
    public Path configFolder() {
        return configFolder;
    }

    public RegistryClient client() {
        return client;
    }

    public RegistryServer server() {
        return server;
    }

    public Path root() {
        return root;
    }

    /** A repository name no other test uses, e.g. {@code test/blobs-17}. */
    public static String newRepository(String hint) {
        return "test/" + hint + "-" + REPOSITORIES.incrementAndGet();
    }

    public static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
