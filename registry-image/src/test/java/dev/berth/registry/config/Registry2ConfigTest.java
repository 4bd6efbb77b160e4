package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig.Driver;
import dev.berth.registry.config.RegistryConfig.S3;
import dev.berth.registry.logging.LogFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real registry:2 configs start Berth: known keys honoured, the rest warned about once each. */
class Registry2ConfigTest {

    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private String resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void fullProductionConfigLoadsWithTheKeysBerthImplements() throws IOException {
        Path htpasswd = fixture.htpasswd();

        RegistryConfig config = fixture.load(resource("registry2-full.yml").replace("HTPASSWD_PATH", htpasswd.toString()));

        assertEquals("0.0.0.0", config.http().host());
        assertEquals(5001, config.http().port());
        assertEquals("asecretforlocaldevelopment", config.http().secret());
        assertFalse(config.http().secretGenerated());
        assertEquals("debug", config.log().level());
        assertEquals(LogFormat.JSON, config.log().format());
        assertFalse(config.log().accessLog(), "log.accesslog.disabled: true");
        assertEquals(new RegistryConfig.Debug("localhost", 5002), config.http().debug().orElseThrow());
        assertEquals(Driver.FILESYSTEM, config.storage().driver());
        assertEquals(Path.of("/srv/registry"), config.storage().filesystemRoot());
        assertTrue(config.storage().deleteEnabled());
        assertTrue(config.storage().redirectDisabled());
        assertEquals(Duration.ofHours(72), config.storage().uploadPurging().age());
        assertEquals(Duration.ofHours(12), config.storage().uploadPurging().interval());
        assertEquals("basic-realm", config.htpasswd().orElseThrow().realm());
        assertEquals(Duration.ofSeconds(60), config.http().drainTimeout());
    }

    @Test
    void fullProductionConfigWarnsOncePerIgnoredKey() throws IOException {
        fixture.load(resource("registry2-full.yml").replace("HTPASSWD_PATH", fixture.htpasswd().toString()));

        List<String> keys = fixture.loader.warnings().stream().map(w -> w.substring(0, w.indexOf(':'))).sorted().toList();
        assertEquals(List.of(
                "health",
                "http.debug.prometheus", "http.headers", "http.host", "http.http2", "http.prefix",
                "http.relativeurls",
                "log.fields",
                "loglevel",
                "middleware",
                "notifications",
                "proxy",
                "redis",
                "storage.cache", "storage.filesystem.maxthreads",
                "storage.maintenance.readonly", "storage.maintenance.uploadpurging.dryrun",
                "validation"), keys);
        assertTrue(fixture.loader.warnings().stream().allMatch(w -> w.contains("not supported by Berth, ignored")));
    }

    @Test
    void awsS3ConfigLoadsWithItsS3Settings() throws IOException {
        RegistryConfig config = fixture.load(resource("registry2-s3.yml"));

        assertEquals(Driver.S3, config.storage().driver());
        assertEquals(new S3("my-registry-bucket", "eu-west-1", Optional.empty(), false, "/registry", 5_242_880L,
                Optional.empty(), Optional.empty(), true, true, "STANDARD_IA"), config.storage().s3().orElseThrow());
        assertEquals(List.of("health", "http.headers", "log.fields", "storage.cache", "storage.s3.v4auth"),
                fixture.loader.warnings().stream().map(w -> w.substring(0, w.indexOf(':'))).sorted().toList());
    }

    @Test
    void registry2ImageStyleEnvironmentOnTopOfTheFullConfig() throws IOException {
        RegistryConfig config = fixture.load(resource("registry2-full.yml").replace("HTPASSWD_PATH", fixture.htpasswd().toString()),
                Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:5555",
                        "REGISTRY_STORAGE", "s3",
                        "REGISTRY_STORAGE_S3_BUCKET", "b",
                        "REGISTRY_STORAGE_S3_REGION", "us-east-1"));

        assertEquals(5555, config.http().port());
        assertEquals(Driver.S3, config.storage().driver());
        assertTrue(config.storage().deleteEnabled(), "kept from the file");
        assertFalse(fixture.loader.warnings().stream().anyMatch(w -> w.startsWith("storage.filesystem")),
                "the dropped driver section is not warned about");
    }
}
