package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.aws}: its keys, defaults and the combinations it refuses. */
class AwsSectionTest {

    private static final String FS = "storage:\n  filesystem:\n    rootdirectory: /tmp/berth-aws-section\n";

    @TempDir
    Path dir;

    @Test
    void theVariablesTheStackSetsAreEnoughWithDefaultsForTheRest() {
        ConfigFixture fixture = new ConfigFixture(dir);
        RegistryConfig config = fixture.loadDefault(Map.of("REGISTRY_AUTH_AWS_PARAMETER", "/berth/users",
                "AWS_REGION", "eu-central-1", "REGISTRY_HTTP_SECRET", "s"));
        RegistryConfig.AwsUsers aws = config.aws().orElseThrow();
        assertEquals("/berth/users", aws.parameter());
        assertEquals("eu-central-1", aws.region());
        assertEquals(Optional.empty(), aws.endpoint());
        assertEquals(Duration.ofMinutes(1), aws.refresh());
        assertEquals(List.of(), fixture.loader.warnings());
        assertTrue(SettingsSummary.lines(config).stream().anyMatch(l -> l.startsWith("auth: aws")));
    }

    @Test
    void everyKeyCanBeSetAndTheRegionFallsBackToTheS3Region() {
        ConfigFixture fixture = new ConfigFixture(dir);
        RegistryConfig.AwsUsers aws = fixture.load("""
                auth:
                  aws:
                    parameter: users
                    endpoint: http://127.0.0.1:4566
                    refresh: 15s
                storage:
                  s3:
                    bucket: b
                    region: us-east-2
                """).aws().orElseThrow();
        assertEquals("us-east-2", aws.region());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), aws.endpoint());
        assertEquals(Duration.ofSeconds(15), aws.refresh());
        assertEquals("ap-south-1", fixture.load(FS + "auth:\n  aws:\n    parameter: p\n    region: ap-south-1\n",
                Map.of("AWS_REGION", "eu-west-1")).aws().orElseThrow().region(), "its own key first");
    }

    @Test
    void unusableSettingsAndCombinationsStopTheStartNamingTheKey() {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path htpasswd = fixture.write("htpasswd", "");
        assertEquals("auth.aws: cannot be combined with auth.htpasswd: configure one source of users",
                assertThrows(ConfigException.class, () -> fixture.load(FS + "auth:\n  htpasswd:\n    realm: r\n    path: "
                        + htpasswd + "\n  aws:\n    parameter: p\n    region: r\n")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> fixture.load(FS + "auth:\n  aws:\n    parameter: p\n"
                + "    region: r\n  access:\n    admins: [a]\n")).getMessage()
                .startsWith("auth.access: not used with auth.aws"));
        assertTrue(assertThrows(ConfigException.class, () -> fixture.load(FS + "auth:\n  aws:\n    region: r\n"))
                .getMessage().startsWith("auth.aws.parameter: required"));
        assertTrue(assertThrows(ConfigException.class, () -> fixture.load(FS + "auth:\n  aws:\n    parameter: p\n"))
                .getMessage().startsWith("auth.aws.region: required"));
        assertTrue(assertThrows(ConfigException.class, () -> fixture.load(FS + "auth:\n  aws:\n    parameter: p\n"
                + "    region: r\n    refresh: 100ms\n")).getMessage().startsWith("auth.aws.refresh: must be at least 1s"));
        assertTrue(assertThrows(ConfigException.class, () -> fixture.load(FS + "auth:\n  aws:\n    parameter: p\n"
                + "    region: r\n    endpoint: localhost:4566\n")).getMessage().startsWith("auth.aws.endpoint:"));
        assertTrue(fixture.load(FS + "auth:\n  aws:\n    parameter: p\n    region: r\n    colour: blue\n")
                .aws().isPresent());
        assertTrue(fixture.loader.warnings().contains("auth.aws.colour: unknown key, ignored"),
                fixture.loader.warnings().toString());
    }
}
