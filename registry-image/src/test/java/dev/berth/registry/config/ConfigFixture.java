package dev.berth.registry.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Writes a config file into a test's temporary folder and loads it with a given environment. */
final class ConfigFixture {

    final ConfigLoader loader = new ConfigLoader();
    private final Path dir;

    ConfigFixture(Path dir) {
        this.dir = dir;
    }

    Path write(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RegistryConfig load(String yaml, Map<String, String> env) {
        return loader.load(Optional.of(write("config.yml", yaml)), env);
    }

    RegistryConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    RegistryConfig loadDefault(Map<String, String> env) {
        return loader.load(Optional.empty(), env);
    }

    /** A file for auth.htpasswd.path, which must exist. */
    Path htpasswd() {
        return write("htpasswd", "admin:$2y$05$abcdefghijklmnopqrstuu5E1b4f3yDxDPTxqQ3hB8s6JVEVzHPa\n");
    }

    static final String FILESYSTEM = """
            version: 0.1
            http:
              addr: :5000
              secret: s
            storage:
              filesystem:
                rootdirectory: /srv/registry
            """;

    static final String S3 = """
            version: 0.1
            http:
              secret: s
            storage:
              s3:
                bucket: b
                region: eu-west-1
            """;
}
