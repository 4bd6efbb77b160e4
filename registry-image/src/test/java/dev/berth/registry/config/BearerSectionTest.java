package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig.Bearer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.bearer} read from a file and from {@code REGISTRY_AUTH_BEARER_*}: defaults, checks, the summary. */
class BearerSectionTest {

    private static final String KEY = "0123456789abcdef0123456789abcdef-key";

    @TempDir
    Path dir;

    private String withBearer(ConfigFixture fixture, String bearer) {
        return ConfigFixture.FILESYSTEM + """
                auth:
                  htpasswd:
                    realm: berth
                    path: %s
                  bearer:
                %s
                """.formatted(fixture.htpasswd(), bearer.indent(4).stripTrailing());
    }

    @Test
    void withoutTheSectionThereAreNoTokens() {
        assertTrue(new ConfigFixture(dir).load(ConfigFixture.FILESYSTEM).bearer().isEmpty());
    }

    @Test
    void everySettingIsReadAndTheDefaultsAreTheContracts() {
        ConfigFixture fixture = new ConfigFixture(dir);
        Bearer bearer = fixture.load(withBearer(fixture, """
                signingkey: %s
                service: registry.example.com
                issuer: berth-issuer
                lifetime: 10m
                refreshlifetime: 24h
                realm: https://registry.example.com/token""".formatted(KEY))).bearer().orElseThrow();
        assertEquals(new Bearer(KEY, false, "registry.example.com", "berth-issuer", Duration.ofMinutes(10),
                Duration.ofHours(24), Optional.of("https://registry.example.com/token")), bearer);

        Bearer defaults = fixture.load(withBearer(fixture, "signingkey: " + KEY)).bearer().orElseThrow();
        assertEquals(Bearer.withKey(KEY), defaults);
        assertEquals("berth", defaults.service());
        assertEquals(Duration.ofMinutes(5), defaults.lifetime());
        assertEquals(Duration.ofDays(30), defaults.refreshLifetime());
    }

    @Test
    void theEnvironmentSetsTheSectionAndAMissingKeyIsGeneratedWithAWarning() {
        ConfigFixture fixture = new ConfigFixture(dir);
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM, Map.of(
                "REGISTRY_AUTH_HTPASSWD_REALM", "berth",
                "REGISTRY_AUTH_HTPASSWD_PATH", fixture.htpasswd().toString(),
                "REGISTRY_AUTH_BEARER_SERVICE", "from-env"));
        Bearer bearer = config.bearer().orElseThrow();
        assertEquals("from-env", bearer.service());
        assertTrue(bearer.keyGenerated());
        assertTrue(bearer.signingKey().length() >= Bearer.MIN_KEY_LENGTH);
        assertTrue(fixture.loader.warnings().stream().anyMatch(w -> w.startsWith("auth.bearer.signingkey: not set")),
                fixture.loader.warnings()::toString);

        Bearer keyed = fixture.load(ConfigFixture.FILESYSTEM, Map.of("REGISTRY_AUTH_BEARER_SIGNINGKEY", KEY,
                "REGISTRY_AUTH_HTPASSWD_REALM", "berth", "REGISTRY_AUTH_HTPASSWD_PATH", fixture.htpasswd().toString()))
                .bearer().orElseThrow();
        assertEquals(KEY, keyed.signingKey());
        assertFalse(keyed.keyGenerated());
    }

    @Test
    void unusableSettingsStopTheStartNamingTheKey() {
        ConfigFixture fixture = new ConfigFixture(dir);
        Map<String, String> cases = Map.of(
                "signingkey: too-short", "auth.bearer.signingkey: must be at least 32 characters",
                "realm: /token", "auth.bearer.realm: must be an absolute http(s) URL",
                "realm: ftp://host/token", "auth.bearer.realm: must be an absolute http(s) URL",
                "lifetime: 0s", "auth.bearer.lifetime: must be longer than 0s",
                "refreshlifetime: soon", "auth.bearer.refreshlifetime:",
                "service: 'a\"b'", "auth.bearer.service: must be a non-empty name");
        cases.forEach((setting, message) -> {
            String error = assertThrows(ConfigException.class, () -> fixture.load(withBearer(fixture, setting)))
                    .getMessage();
            assertTrue(error.contains(message), setting + " -> " + error);
        });
    }

    @Test
    void tokensNeedAUserSource() {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigFixture(dir).load(
                ConfigFixture.FILESYSTEM, Map.of("REGISTRY_AUTH_BEARER_SIGNINGKEY", KEY)));
        assertTrue(e.getMessage().startsWith("auth.bearer: needs a user source (auth.htpasswd or auth.aws)"), e.getMessage());
    }

    @Test
    void theSummaryShowsWhetherTheKeyIsSetNeverTheKey() {
        ConfigFixture fixture = new ConfigFixture(dir);
        String set = String.join("\n", SettingsSummary.lines(fixture.load(withBearer(fixture, "signingkey: " + KEY))));
        assertTrue(set.contains("auth.bearer: service \"berth\", issuer \"berth\", lifetime 5m"), set);
        assertTrue(set.contains("realm derived from each request, signingkey set"), set);
        assertFalse(set.contains(KEY), set);
        RegistryConfig generated = fixture.load(withBearer(fixture, "service: s"));
        String text = String.join("\n", SettingsSummary.lines(generated));
        assertTrue(text.contains("signingkey generated"), text);
        assertFalse(text.contains(generated.bearer().orElseThrow().signingKey()), text);
    }
}
