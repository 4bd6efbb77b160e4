package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.logging.LogFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code log.formatter}, {@code log.accesslog.disabled} and {@code http.debug.addr}, as registry:2 spells them. */
class LogAndDebugSettingsTest {

    @TempDir
    Path dir;
    private ConfigFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void formatterTextOrJsonAnyCase() {
        assertEquals(LogFormat.TEXT, fixture.loadDefault(Map.of("REGISTRY_LOG_FORMATTER", "text")).log().format());
        assertEquals(LogFormat.JSON, fixture.loadDefault(Map.of("REGISTRY_LOG_FORMATTER", "JSON")).log().format());
    }

    @Test
    void logstashIsWrittenAsJsonWithAWarning() {
        assertEquals(LogFormat.JSON, fixture.loadDefault(Map.of("REGISTRY_LOG_FORMATTER", "logstash")).log().format());
        assertTrue(fixture.loader.warnings().stream().anyMatch(w -> w.startsWith("log.formatter: logstash")),
                fixture.loader.warnings()::toString);
    }

    @Test
    void anotherFormatterIsRefusedByName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixture.loadDefault(Map.of("REGISTRY_LOG_FORMATTER", "xml")));
        assertTrue(e.getMessage().startsWith("log.formatter: must be text, json or logstash, got \"xml\""),
                e.getMessage());
    }

    @Test
    void accessLogOnUnlessDisabled() {
        assertTrue(fixture.loadDefault(Map.of()).log().accessLog());
        assertFalse(fixture.loadDefault(Map.of("REGISTRY_LOG_ACCESSLOG_DISABLED", "true")).log().accessLog());
        assertTrue(fixture.loader.warnings().stream().noneMatch(w -> w.startsWith("log.")),
                fixture.loader.warnings()::toString);
    }

    @Test
    void debugAddressOffUnlessSet() {
        assertEquals(Optional.empty(), fixture.loadDefault(Map.of()).http().debug());
        assertEquals(Optional.of(new RegistryConfig.Debug("127.0.0.1", 5001)),
                fixture.loadDefault(Map.of("REGISTRY_HTTP_DEBUG_ADDR", "127.0.0.1:5001")).http().debug());
        assertEquals(Optional.of(new RegistryConfig.Debug("0.0.0.0", 5001)),
                fixture.loadDefault(Map.of("REGISTRY_HTTP_DEBUG_ADDR", ":5001")).http().debug());
        assertTrue(SettingsSummary.lines(fixture.loadDefault(Map.of("REGISTRY_HTTP_DEBUG_ADDR", ":5001")))
                .contains("http.debug.addr: 0.0.0.0:5001 (/metrics, /healthz, /readyz)"));
    }

    @Test
    void aBadDebugAddressIsRefusedByName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> fixture.loadDefault(Map.of("REGISTRY_HTTP_DEBUG_ADDR", "localhost")));
        assertTrue(e.getMessage().startsWith("http.debug.addr: "), e.getMessage());
    }
}
