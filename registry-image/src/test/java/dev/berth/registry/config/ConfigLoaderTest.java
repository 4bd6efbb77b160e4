package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig.Driver;
import dev.berth.registry.config.RegistryConfig.S3;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void withoutAFileUsesTheEmbeddedDefaultOfFilesystemUnderDataOnPort5000() {
        RegistryConfig config = fixture.loadDefault(Map.of());

        assertEquals("0.0.0.0", config.http().host());
        assertEquals(5000, config.http().port());
        assertEquals(Driver.FILESYSTEM, config.storage().driver());
        assertEquals(Path.of("./data"), config.storage().filesystemRoot());
        assertEquals(Optional.empty(), config.storage().s3());
        assertFalse(config.storage().deleteEnabled());
        assertFalse(config.storage().redirectDisabled());
        assertEquals("info", config.log().level());
        assertEquals(Optional.empty(), config.htpasswd());
    }

    @Test
    void embeddedDefaultLoadsWithoutWarningsButTheGeneratedSecret() {
        fixture.loadDefault(Map.of());

        assertEquals(1, fixture.loader.warnings().size(), fixture.loader.warnings().toString());
        assertTrue(fixture.loader.warnings().get(0).startsWith("http.secret:"));
    }

    @Test
    void imageConfigServesTheRegistryVolumeOnPort5000WithoutWarningsButTheSecret() {
        // The file the Dockerfile copies to /etc/berth/config.yml.
        RegistryConfig config = fixture.loader.load(Optional.of(Path.of("config.yml")), Map.of("REGISTRY_HTTP_SECRET", "s"));

        assertEquals("0.0.0.0", config.http().host());
        assertEquals(5000, config.http().port());
        assertEquals(Driver.FILESYSTEM, config.storage().driver());
        assertEquals(Path.of("/var/lib/registry"), config.storage().filesystemRoot());
        assertEquals(java.util.List.of(), fixture.loader.warnings());
    }

    @Test
    void imageConfigSwitchesToS3ByEnvironmentAsTheCdkAppSetsIt() {
        RegistryConfig config = fixture.loader.load(Optional.of(Path.of("config.yml")), Map.of(
                "REGISTRY_STORAGE", "s3",
                "REGISTRY_STORAGE_S3_BUCKET", "berth-blobs",
                "REGISTRY_STORAGE_S3_REGION", "eu-west-1",
                "REGISTRY_HTTP_SECRET", "s"));

        assertEquals(Driver.S3, config.storage().driver());
        assertEquals("berth-blobs", config.storage().s3().orElseThrow().bucket());
        assertEquals(java.util.List.of(), fixture.loader.warnings());
    }

    @Test
    void uploadPurgingDefaultsToEnabledAfter168hEvery24h() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM);

        assertTrue(config.storage().uploadPurging().enabled());
        assertEquals(Duration.ofHours(168), config.storage().uploadPurging().age());
        assertEquals(Duration.ofHours(24), config.storage().uploadPurging().interval());
    }

    @Test
    void missingSecretIsGeneratedFlaggedAndWarnedAbout() {
        RegistryConfig config = fixture.loadDefault(Map.of());

        assertTrue(config.http().secretGenerated());
        assertTrue(config.http().secret().length() >= 32);
        assertTrue(fixture.loader.warnings().stream().anyMatch(w -> w.startsWith("http.secret:") && w.contains("share")));
    }

    @Test
    void generatedSecretsDifferBetweenLoads() {
        String first = fixture.loadDefault(Map.of()).http().secret();
        String second = fixture.loadDefault(Map.of()).http().secret();

        assertFalse(first.equals(second));
    }

    @Test
    void configuredSecretIsKeptAndNotFlagged() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM);

        assertEquals("s", config.http().secret());
        assertFalse(config.http().secretGenerated());
        assertEquals(java.util.List.of(), fixture.loader.warnings());
    }

    @Test
    void registryConfigurationPathNamesTheFileWhenNoArgumentIsGiven() {
        Path file = fixture.write("named.yml", ConfigFixture.FILESYSTEM);

        RegistryConfig config = fixture.loader.load(Optional.empty(), Map.of("REGISTRY_CONFIGURATION_PATH", file.toString()));

        assertEquals(Path.of("/srv/registry"), config.storage().filesystemRoot());
        assertEquals(java.util.List.of(), fixture.loader.warnings(), "the variable is not a setting");
    }

    @Test
    void commandLineFileWinsOverRegistryConfigurationPath() {
        Path named = fixture.write("named.yml", ConfigFixture.S3);
        Path argument = fixture.write("argument.yml", ConfigFixture.FILESYSTEM);

        RegistryConfig config = fixture.loader.load(Optional.of(argument), Map.of("REGISTRY_CONFIGURATION_PATH", named.toString()));

        assertEquals(Driver.FILESYSTEM, config.storage().driver());
    }

    @Test
    void missingFileFailsNamingThePath() {
        Path missing = dir.resolve("nope.yml");

        ConfigException e = assertThrows(ConfigException.class, () -> fixture.loader.load(Optional.of(missing), Map.of()));

        assertEquals(missing + ": config file not found", e.getMessage());
    }

    @Test
    void brokenYamlFailsNamingTheFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load("http: [unclosed\n"));

        assertTrue(e.getMessage().contains("config.yml: not valid YAML"), e.getMessage());
    }

    @Test
    void filesystemSectionWithoutRootDirectoryUsesVarLibRegistryLikeRegistry2() {
        RegistryConfig config = fixture.load("""
                storage:
                  filesystem:
                """);

        assertEquals(Path.of("/var/lib/registry"), config.storage().filesystemRoot());
    }

    @Test
    void storageWrittenAsADriverNameSelectsThatDriver() {
        RegistryConfig config = fixture.load("storage: filesystem\n");

        assertEquals(Driver.FILESYSTEM, config.storage().driver());
        assertEquals(Path.of("/var/lib/registry"), config.storage().filesystemRoot());
    }

    @Test
    void s3DefaultsMatchRegistry2() {
        S3 s3 = fixture.load(ConfigFixture.S3).storage().s3().orElseThrow();

        assertEquals("b", s3.bucket());
        assertEquals("eu-west-1", s3.region());
        assertEquals(Optional.empty(), s3.regionEndpoint());
        assertTrue(s3.secure());
        assertFalse(s3.encrypt());
        assertFalse(s3.forcePathStyle());
        assertEquals(10_485_760L, s3.chunkSize());
        assertEquals("", s3.rootDirectory());
        assertEquals("STANDARD", s3.storageClass());
        assertEquals(Optional.empty(), s3.accessKey());
        assertEquals(Optional.empty(), s3.secretKey());
    }

    @Test
    void everyS3SettingIsReadFromTheFile() {
        S3 s3 = fixture.load("""
                storage:
                  s3:
                    bucket: images
                    region: us-east-1
                    regionendpoint: http://127.0.0.1:9000
                    forcepathstyle: true
                    rootdirectory: /berth
                    chunksize: 5242880
                    accesskey: AKIA
                    secretkey: shh
                    encrypt: true
                    secure: false
                    storageclass: reduced_redundancy
                """).storage().s3().orElseThrow();

        assertEquals(new S3("images", "us-east-1", Optional.of("http://127.0.0.1:9000"), true, "/berth", 5_242_880L,
                Optional.of("AKIA"), Optional.of("shh"), true, false, "REDUCED_REDUNDANCY"), s3);
    }

    @Test
    void htpasswdAuthIsReadWhenConfigured() {
        Path htpasswd = fixture.htpasswd();

        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM + """
                auth:
                  htpasswd:
                    realm: berth
                    path: %s
                """.formatted(htpasswd));

        assertEquals("berth", config.htpasswd().orElseThrow().realm());
        assertEquals(htpasswd, config.htpasswd().orElseThrow().path());
    }

    @Test
    void durationsAreReadInGoNotation() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM + """
                  maintenance:
                    uploadpurging:
                      enabled: false
                      age: 1h30m
                      interval: 90s
                """);

        assertFalse(config.storage().uploadPurging().enabled());
        assertEquals(Duration.ofMinutes(90), config.storage().uploadPurging().age());
        assertEquals(Duration.ofSeconds(90), config.storage().uploadPurging().interval());
    }

    @Test
    void describeSourceNamesTheFileThatWillBeRead() {
        assertEquals("/a.yml", ConfigLoader.describeSource(Optional.of(Path.of("/a.yml")), Map.of()));
        assertEquals("/b.yml", ConfigLoader.describeSource(Optional.empty(), Map.of("REGISTRY_CONFIGURATION_PATH", "/b.yml")));
        assertTrue(ConfigLoader.describeSource(Optional.empty(), Map.of()).startsWith("embedded default"));
    }
}
