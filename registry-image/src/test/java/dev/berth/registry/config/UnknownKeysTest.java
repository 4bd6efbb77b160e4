package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys Berth does not know never stop it: each gets one warning naming its full key. */
class UnknownKeysTest {

    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    @Test
    void unknownKeysAtEveryLevelAreWarnedWithTheirFullKey() {
        fixture.load(ConfigFixture.FILESYSTEM + """
                    typo: 1
                  delete:
                    enabeld: true
                colour: blue
                """);

        assertEquals(List.of(
                "storage.filesystem.typo: unknown key, ignored",
                "storage.delete.enabeld: unknown key, ignored",
                "colour: unknown key, ignored"), fixture.loader.warnings());
    }

    @Test
    void anUnknownSectionIsWarnedAboutOnceNotPerKeyInside() {
        fixture.load(ConfigFixture.FILESYSTEM + """
                extras:
                  a: 1
                  b:
                    c: 2
                """);

        assertEquals(List.of("extras: unknown key, ignored"), fixture.loader.warnings());
    }

    @Test
    void registry2FeaturesSayWhyTheyAreIgnored() {
        fixture.load(ConfigFixture.FILESYSTEM + """
                  cache:
                    blobdescriptor: inmemory
                """);

        assertEquals(List.of("storage.cache: not supported by Berth, ignored (Berth needs no blob descriptor cache)"),
                fixture.loader.warnings());
    }

    @Test
    void warningsAreResetOnEachLoad() {
        fixture.load(ConfigFixture.FILESYSTEM + "colour: blue\n");
        fixture.load(ConfigFixture.FILESYSTEM);

        assertEquals(List.of(), fixture.loader.warnings());
    }

    @Test
    void otherVersionsAreReadWithAWarning() {
        fixture.load(ConfigFixture.FILESYSTEM.replace("version: 0.1", "version: 0.2"));

        assertEquals(List.of("version: registry:2 configs are version 0.1, got \"0.2\"; read anyway"), fixture.loader.warnings());
    }
}
