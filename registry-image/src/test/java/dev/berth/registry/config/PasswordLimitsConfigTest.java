package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limits.passwordchecks}, {@code limits.passwordfailures}, {@code limits.userfailures}, {@code limits.trustforwardedfor}. */
class PasswordLimitsConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreOneCheckTenFailuresAMinuteAndTheTcpPeer() {
        Limits limits = new ConfigFixture(dir).loadDefault(Map.of()).limits();
        assertEquals(1, limits.passwordChecks());
        assertEquals(10, limits.passwordFailures());
        assertEquals(10, limits.userFailures());
        assertFalse(limits.trustForwardedFor());
    }

    @Test
    void theEnvironmentSetsThemWithoutWarnings() {
        ConfigFixture fixture = new ConfigFixture(dir);
        Limits limits = fixture.loadDefault(Map.of("REGISTRY_LIMITS_PASSWORDCHECKS", "2",
                "REGISTRY_LIMITS_PASSWORDFAILURES", "30", "REGISTRY_LIMITS_TRUSTFORWARDEDFOR", "true",
                "REGISTRY_LIMITS_USERFAILURES", "25", "REGISTRY_HTTP_SECRET", "s")).limits();
        assertEquals(25, limits.userFailures());
        assertEquals(2, limits.passwordChecks());
        assertEquals(30, limits.passwordFailures());
        assertTrue(limits.trustForwardedFor());
        assertEquals(java.util.List.of(), fixture.loader.warnings());
    }

    @Test
    void unusableValuesNameTheirKey() {
        ConfigFixture fixture = new ConfigFixture(dir);
        assertTrue(assertThrows(ConfigException.class, () -> fixture.loadDefault(
                Map.of("REGISTRY_LIMITS_PASSWORDFAILURES", "0"))).getMessage().contains("limits.passwordfailures"));
        assertTrue(assertThrows(ConfigException.class, () -> fixture.loadDefault(
                Map.of("REGISTRY_LIMITS_TRUSTFORWARDEDFOR", "yes please"))).getMessage()
                .contains("limits.trustforwardedfor"));
        assertTrue(assertThrows(ConfigException.class, () -> fixture.loadDefault(
                Map.of("REGISTRY_LIMITS_USERFAILURES", "0"))).getMessage().contains("limits.userfailures"));
    }
}
