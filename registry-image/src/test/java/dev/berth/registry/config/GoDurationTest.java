package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {

    @Test
    void singleUnits() {
        assertEquals(Duration.ofHours(168), GoDuration.parse("168h"));
        assertEquals(Duration.ofHours(24), GoDuration.parse("24h"));
        assertEquals(Duration.ofMinutes(10), GoDuration.parse("10m"));
        assertEquals(Duration.ofSeconds(30), GoDuration.parse("30s"));
        assertEquals(Duration.ofMillis(300), GoDuration.parse("300ms"));
        assertEquals(Duration.ofNanos(1500), GoDuration.parse("1.5us"));
        assertEquals(Duration.ofNanos(2000), GoDuration.parse("2µs"));
        assertEquals(Duration.ofNanos(7), GoDuration.parse("7ns"));
    }

    @Test
    void combinedAndFractionalUnits() {
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
        assertEquals(Duration.ofMillis(2500), GoDuration.parse("2s500ms"));
    }

    @Test
    void zeroNeedsNoUnitAndSignsAreRead() {
        assertEquals(Duration.ZERO, GoDuration.parse("0"));
        assertEquals(Duration.ofSeconds(-5), GoDuration.parse("-5s"));
    }

    @Test
    void numbersWithoutUnitsAndUnknownUnitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("168"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("7d"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("h"));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(""));
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1h 30m"));
    }

    @Test
    void formatsLikeGoWithoutZeroParts() {
        assertEquals("168h", GoDuration.format(Duration.ofHours(168)));
        assertEquals("1h30m", GoDuration.format(Duration.ofMinutes(90)));
        assertEquals("0s", GoDuration.format(Duration.ZERO));
        assertEquals("-5s", GoDuration.format(Duration.ofSeconds(-5)));
    }
}
