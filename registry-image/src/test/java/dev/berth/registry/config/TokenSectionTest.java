package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.token}: read with registry:2's keys; incomplete or combined with another auth source, refused. */
class TokenSectionTest {

    @TempDir
    Path dir;

    private ConfigFixture fixture;
    private Path bundle;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ConfigFixture(dir);
        bundle = new Pki(dir).ca("token-ca", Pki.KeyType.EC).certificate();
    }

    private String token(String extra) {
        return "storage: filesystem\nhttp:\n  secret: s\nauth:\n  token:\n    realm: https://auth.example/token\n    service: registry\n"
                + "    issuer: auth-server\n    rootcertbundle: " + bundle + "\n" + extra;
    }

    private String failureOf(String yaml) {
        return assertThrows(ConfigException.class, () -> fixture.load(yaml)).getMessage();
    }

    @Test
    void registry2TokenSettingsAreRead() {
        TokenSettings token = fixture.load(token("")).token().orElseThrow();
        assertEquals(new TokenSettings("https://auth.example/token", "registry", "auth-server", Optional.of(bundle),
                Optional.empty()), token);
        assertTrue(fixture.loader.warnings().isEmpty(), fixture.loader.warnings().toString());
    }

    @Test
    void environmentOverridesSetTheTokenSettings() {
        RegistryConfig config = fixture.load("storage: filesystem\n", Map.of(
                "REGISTRY_AUTH_TOKEN_REALM", "https://other.example/auth",
                "REGISTRY_AUTH_TOKEN_SERVICE", "svc", "REGISTRY_AUTH_TOKEN_ISSUER", "iss",
                "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", bundle.toString()));
        assertEquals("https://other.example/auth", config.token().orElseThrow().realm());
        assertEquals("svc", config.token().orElseThrow().service());
    }

    @Test
    void eachMissingKeyIsNamed() {
        for (String key : new String[] {"realm", "service", "issuer"}) {
            String yaml = token("").replaceAll("(?m)^    " + key + ": .*\n", "");
            assertEquals("auth.token." + key + ": required when auth.token is configured", failureOf(yaml));
        }
        assertTrue(failureOf(token("").replaceAll("(?m)^    rootcertbundle: .*\n", ""))
                .startsWith("auth.token.rootcertbundle: required when auth.token is configured (or auth.token.jwks)"));
    }

    @Test
    void aBundleWithoutCertificatesOrAMissingFileIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing here\n");
        assertTrue(failureOf(token("").replace(bundle.toString(), empty.toString()))
                .startsWith("auth.token.rootcertbundle: " + empty), "no certificate");
        assertEquals("auth.token.rootcertbundle: file not found or not readable: " + dir.resolve("nope.pem"),
                failureOf(token("").replace(bundle.toString(), dir.resolve("nope.pem").toString())));
        assertTrue(failureOf(token("    jwks: " + empty + "\n")).startsWith("auth.token.jwks: " + empty));
    }

    @Test
    void aRealmThatIsNotAnAbsoluteUrlIsRefused() {
        assertTrue(failureOf(token("").replace("https://auth.example/token", "/token"))
                .startsWith("auth.token.realm: must be the token server's absolute http(s) URL"));
    }

    @Test
    void tokenWithAnotherAuthSourceIsRefusedNamingBoth() {
        String htpasswd = "  htpasswd:\n    realm: r\n    path: " + fixture.htpasswd() + "\n";
        String message = failureOf(token(htpasswd));
        assertTrue(message.startsWith("auth.token: cannot be combined with auth.htpasswd"), message);
        assertTrue(message.contains("remove one of auth.token and auth.htpasswd"), message);
        assertTrue(failureOf(token("  bearer:\n    service: berth\n"))
                .startsWith("auth.token: cannot be combined with auth.bearer"));
        assertTrue(failureOf(token("  access:\n    admins: [alice]\n"))
                .startsWith("auth.token: cannot be combined with auth.access"));
    }

    @Test
    void theSummaryNamesTheTokenServer() {
        String text = String.join("\n", SettingsSummary.lines(fixture.load(token(""))));
        assertTrue(text.contains("auth: token, realm https://auth.example/token, service \"registry\""), text);
        assertFalse(text.contains("auth: none"), text);
    }
}
