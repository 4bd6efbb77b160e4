package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code limits.*}: defaults sized for the image's 1 GiB container, overridable, validated. */
class LimitsTest {

    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void defaultsApplyWithoutALimitsSection() {
        Limits limits = fixture.loadDefault(Map.of()).limits();

        assertEquals(Limits.DEFAULTS, limits);
        assertEquals(4 * 1024 * 1024, limits.manifestSize()); // registry:2's manifest limit
    }

    @Test
    void variablesOverrideEachLimit() {
        Limits limits = fixture.loadDefault(Map.of(
                "REGISTRY_LIMITS_UPLOADS", "10",
                "REGISTRY_LIMITS_UPLOADWAIT", "5s",
                "REGISTRY_LIMITS_BODYTIMEOUT", "2m",
                "REGISTRY_LIMITS_MANIFESTSIZE", "1048576",
                "REGISTRY_LIMITS_MANIFESTS", "3",
                "REGISTRY_LIMITS_REFERRERSSIZE", "65536",
                "REGISTRY_LIMITS_HEADERSIZE", "32768",
                "REGISTRY_LIMITS_CONNECTIONS", "200",
                "REGISTRY_LIMITS_PASSWORDCHECKS", "2")).limits();

        assertEquals(new Limits(10, Duration.ofSeconds(5), Duration.ofMinutes(2), 1048576, 3, 65536, 32768, 200, 2),
                limits);
    }

    @Test
    void unusableLimitsNameTheirKey() {
        ConfigException zero = assertThrows(ConfigException.class,
                () -> fixture.loadDefault(Map.of("REGISTRY_LIMITS_UPLOADS", "0")));
        assertTrue(zero.getMessage().contains("limits.uploads"), zero.getMessage());

        ConfigException noTimeout = assertThrows(ConfigException.class,
                () -> fixture.loadDefault(Map.of("REGISTRY_LIMITS_BODYTIMEOUT", "0s")));
        assertTrue(noTimeout.getMessage().contains("limits.bodytimeout"), noTimeout.getMessage());

        ConfigException huge = assertThrows(ConfigException.class,
                () -> fixture.loadDefault(Map.of("REGISTRY_LIMITS_MANIFESTSIZE", "999999999999")));
        assertTrue(huge.getMessage().contains("limits.manifestsize"), huge.getMessage());
    }
}
