package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig.Driver;
import dev.berth.registry.config.RegistryConfig.S3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code REGISTRY_*} variables override keys with {@code _} as nesting, as in registry:2. */
class EnvOverridesTest {

    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void httpAddrOverridesTheFile() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM, Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:5001"));

        assertEquals("127.0.0.1", config.http().host());
        assertEquals(5001, config.http().port());
    }

    @Test
    void httpAddrOverridesTheEmbeddedDefault() {
        RegistryConfig config = fixture.loadDefault(Map.of("REGISTRY_HTTP_ADDR", ":6000"));

        assertEquals(6000, config.http().port());
    }

    @Test
    void bracketedIpv6AddrIsAnAddressNotAYamlList() {
        RegistryConfig config = fixture.loadDefault(Map.of("REGISTRY_HTTP_ADDR", "[::1]:5001"));

        assertEquals("::1", config.http().host());
        assertEquals(5001, config.http().port());
    }

    @Test
    void filesystemRootDirectoryOverride() {
        RegistryConfig config = fixture.loadDefault(Map.of("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/tmp/x"));

        assertEquals(Path.of("/tmp/x"), config.storage().filesystemRoot());
    }

    @Test
    void httpSecretOverrideIsUsedAndNotWarnedAbout() {
        RegistryConfig config = fixture.loadDefault(Map.of("REGISTRY_HTTP_SECRET", "0123"));

        assertEquals("0123", config.http().secret(), "kept as written, not read as a number");
        assertFalse(config.http().secretGenerated());
        assertEquals(List.of(), fixture.loader.warnings());
    }

    @Test
    void logLevelOverride() {
        assertEquals("debug", fixture.loadDefault(Map.of("REGISTRY_LOG_LEVEL", "debug")).log().level());
    }

    @Test
    void booleansParseFromTheirText() {
        RegistryConfig config = fixture.loadDefault(Map.of(
                "REGISTRY_STORAGE_DELETE_ENABLED", "true",
                "REGISTRY_STORAGE_REDIRECT_DISABLE", "TRUE",
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_ENABLED", "false"));

        assertTrue(config.storage().deleteEnabled());
        assertTrue(config.storage().redirectDisabled());
        assertFalse(config.storage().uploadPurging().enabled());
    }

    @Test
    void uploadPurgingDurationsOverride() {
        RegistryConfig config = fixture.loadDefault(Map.of(
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE", "10m",
                "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_INTERVAL", "30s"));

        assertEquals(Duration.ofMinutes(10), config.storage().uploadPurging().age());
        assertEquals(Duration.ofSeconds(30), config.storage().uploadPurging().interval());
    }

    @Test
    void storageVariableSwitchesToS3AndEveryS3VariableApplies() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM, Map.ofEntries(
                Map.entry("REGISTRY_STORAGE", "s3"),
                Map.entry("REGISTRY_STORAGE_S3_BUCKET", "images"),
                Map.entry("REGISTRY_STORAGE_S3_REGION", "eu-central-1"),
                Map.entry("REGISTRY_STORAGE_S3_REGIONENDPOINT", "http://127.0.0.1:9000"),
                Map.entry("REGISTRY_STORAGE_S3_FORCEPATHSTYLE", "true"),
                Map.entry("REGISTRY_STORAGE_S3_ROOTDIRECTORY", "/berth"),
                Map.entry("REGISTRY_STORAGE_S3_CHUNKSIZE", "20971520"),
                Map.entry("REGISTRY_STORAGE_S3_ACCESSKEY", "AKIA"),
                Map.entry("REGISTRY_STORAGE_S3_SECRETKEY", "shh"),
                Map.entry("REGISTRY_STORAGE_S3_ENCRYPT", "true"),
                Map.entry("REGISTRY_STORAGE_S3_SECURE", "false"),
                Map.entry("REGISTRY_STORAGE_S3_STORAGECLASS", "INTELLIGENT_TIERING")));

        assertEquals(Driver.S3, config.storage().driver());
        assertEquals(new S3("images", "eu-central-1", Optional.of("http://127.0.0.1:9000"), true, "/berth", 20_971_520L,
                Optional.of("AKIA"), Optional.of("shh"), true, false, "INTELLIGENT_TIERING"), config.storage().s3().orElseThrow());
        assertEquals(List.of(), fixture.loader.warnings(), "the file's filesystem section is dropped, not warned about");
    }

    @Test
    void switchingDriverKeepsTheDriverIndependentKeysOfTheFile() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM + """
                  delete:
                    enabled: true
                """, Map.of("REGISTRY_STORAGE", "s3", "REGISTRY_STORAGE_S3_BUCKET", "b", "REGISTRY_STORAGE_S3_REGION", "r"));

        assertEquals(Driver.S3, config.storage().driver());
        assertTrue(config.storage().deleteEnabled());
    }

    @Test
    void switchingToTheDriverTheFileAlreadyHasKeepsItsSettings() {
        RegistryConfig config = fixture.load(ConfigFixture.S3, Map.of("REGISTRY_STORAGE", "s3"));

        assertEquals("b", config.storage().s3().orElseThrow().bucket());
    }

    @Test
    void driverNameIsCaseInsensitive() {
        RegistryConfig config = fixture.load(ConfigFixture.S3, Map.of("REGISTRY_STORAGE", "S3"));

        assertEquals(Driver.S3, config.storage().driver());
    }

    @Test
    void switchingToFilesystemDropsTheFilesS3Section() {
        RegistryConfig config = fixture.load(ConfigFixture.S3,
                Map.of("REGISTRY_STORAGE", "filesystem", "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", "/tmp/fs"));

        assertEquals(Driver.FILESYSTEM, config.storage().driver());
        assertEquals(Path.of("/tmp/fs"), config.storage().filesystemRoot());
        assertEquals(Optional.empty(), config.storage().s3());
    }

    @Test
    void s3VariablesWithoutSwitchingDriverLeaveTwoDriversAndFailNamingStorage() {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(ConfigFixture.FILESYSTEM,
                Map.of("REGISTRY_STORAGE_S3_BUCKET", "b")));

        assertEquals("storage: exactly one driver must be configured, found filesystem, s3"
                + " (REGISTRY_STORAGE=<driver> selects one)", e.getMessage());
    }

    @Test
    void htpasswdVariablesConfigureAuth() {
        Path htpasswd = fixture.htpasswd();

        RegistryConfig config = fixture.loadDefault(Map.of(
                "REGISTRY_AUTH_HTPASSWD_REALM", "Registry Realm",
                "REGISTRY_AUTH_HTPASSWD_PATH", htpasswd.toString()));

        assertEquals("Registry Realm", config.htpasswd().orElseThrow().realm());
        assertEquals(htpasswd, config.htpasswd().orElseThrow().path());
    }

    @Test
    void variablesWithoutTheRegistryPrefixAreIgnored() {
        RegistryConfig config = fixture.loadDefault(Map.of(
                "HTTP_ADDR", ":1234", "PATH", "/usr/bin", "registry_http_addr", ":1234", "REGISTRYHTTP_ADDR", ":1234"));

        assertEquals(5000, config.http().port());
        assertEquals(1, fixture.loader.warnings().size(), "only the generated secret: " + fixture.loader.warnings());
    }

    @Test
    void quotedValuesAreUnquotedAsYaml() {
        RegistryConfig config = fixture.loadDefault(Map.of("REGISTRY_HTTP_SECRET", "\"with spaces \""));

        assertEquals("with spaces ", config.http().secret());
    }

    @Test
    void flowSectionValuesBecomeSections() {
        RegistryConfig config = fixture.loadDefault(Map.of(
                "REGISTRY_STORAGE_DELETE", "{enabled: true}",
                "REGISTRY_HTTP_SECRET", "s"));

        assertTrue(config.storage().deleteEnabled());
    }

    @Test
    void variableForAnUnknownKeyIsWarnedAboutNamingTheVariable() {
        fixture.loadDefault(Map.of("REGISTRY_HTTP_SECRET", "s", "REGISTRY_HTTP_FOO", "bar"));

        assertEquals(List.of("http.foo: unknown key, ignored (set by REGISTRY_HTTP_FOO)"), fixture.loader.warnings());
    }

    @Test
    void invalidValueFromAVariableNamesTheKeyAndTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixture.loadDefault(Map.of("REGISTRY_HTTP_ADDR", ":70000")));

        assertEquals("http.addr: port must be 1-65535, got 70000 (set by REGISTRY_HTTP_ADDR)", e.getMessage());
    }

    @Test
    void malformedVariableNameIsWarnedAboutAndIgnored() {
        fixture.loadDefault(Map.of("REGISTRY_HTTP_SECRET", "s", "REGISTRY_HTTP__ADDR", ":1"));

        assertEquals(List.of("REGISTRY_HTTP__ADDR: not a valid override name, ignored"), fixture.loader.warnings());
    }
}
