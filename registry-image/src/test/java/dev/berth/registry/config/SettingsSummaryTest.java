package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsSummaryTest {

    @TempDir
    Path dir;

    @Test
    void secretsAreNeverPrintedOnlyWhetherTheyAreSet() {
        RegistryConfig config = new ConfigFixture(dir).load(ConfigFixture.S3, Map.of(
                "REGISTRY_HTTP_SECRET", "http-secret-value",
                "REGISTRY_STORAGE_S3_ACCESSKEY", "AKIAEXAMPLEKEY",
                "REGISTRY_STORAGE_S3_SECRETKEY", "s3-secret-value"));

        String text = String.join("\n", SettingsSummary.lines(config));

        assertFalse(text.contains("http-secret-value"), text);
        assertFalse(text.contains("AKIAEXAMPLEKEY"), text);
        assertFalse(text.contains("s3-secret-value"), text);
        assertTrue(text.contains("http.secret: set"), text);
        assertTrue(text.contains("credentials from accesskey/secretkey"), text);
        assertTrue(text.contains("bucket b, region eu-west-1"), text);
    }

    @Test
    void generatedSecretAndMissingAuthAreSpelledOut() {
        RegistryConfig config = new ConfigFixture(dir).loadDefault(Map.of("REGISTRY_HTTP_ADDR", "[::1]:5000"));

        String text = String.join("\n", SettingsSummary.lines(config));

        assertTrue(text.contains("http.addr: [::1]:5000"), text);
        assertTrue(text.contains("http.secret: generated at start"), text);
        assertTrue(text.contains("auth: none"), text);
        assertFalse(text.contains(config.http().secret()), text);
    }
}
