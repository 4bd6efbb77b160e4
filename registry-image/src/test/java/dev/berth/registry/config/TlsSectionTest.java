package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.tls}: registry:2's keys, files read at start so that a bad one names its key. */
class TlsSectionTest {

    @TempDir
    Path dir;

    private ConfigFixture fixture;
    private Pki pki;
    private Pki.Pair ca;
    private Pki.Pair server;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ConfigFixture(dir);
        pki = new Pki(dir);
        ca = pki.ca("ca", Pki.KeyType.RSA);
        server = pki.server("server", Pki.KeyType.RSA, ca);
    }

    private String tls(Path certificate, Path key, String extra) {
        return "storage: filesystem\nhttp:\n  secret: s\n  tls:\n    certificate: " + certificate + "\n    key: " + key + "\n" + extra;
    }

    private String failureOf(String yaml) {
        return assertThrows(ConfigException.class, () -> fixture.load(yaml)).getMessage();
    }

    @Test
    void certificateKeyAndClientCasAreRead() {
        TlsSettings tls = fixture.load(tls(server.certificate(), server.key(),
                "    clientcas:\n      - " + ca.certificate() + "\n    minimumtls: tls1.3\n")).http().tls().orElseThrow();
        assertEquals(new TlsSettings(server.certificate(), server.key(), List.of(ca.certificate()), "tls1.3", true), tls);
        assertTrue(fixture.loader.warnings().isEmpty(), fixture.loader.warnings().toString());
    }

    @Test
    void withoutTlsTheSettingsSayPlainHttp() {
        RegistryConfig config = fixture.load("storage: filesystem\n");
        assertTrue(config.http().tls().isEmpty());
        assertTrue(SettingsSummary.lines(config).contains("http.tls: none: plain HTTP"));
    }

    @Test
    void environmentOverridesSetTlsWithOneClientCa() {
        RegistryConfig config = fixture.load("storage: filesystem\n", Map.of(
                "REGISTRY_HTTP_TLS_CERTIFICATE", server.certificate().toString(),
                "REGISTRY_HTTP_TLS_KEY", server.key().toString(),
                "REGISTRY_HTTP_TLS_CLIENTCAS", "[" + ca.certificate() + "]"));
        assertEquals(List.of(ca.certificate()), config.http().tls().orElseThrow().clientCas());
    }

    @Test
    void traditionalRsaAndEcKeyFilesAreRead() throws Exception {
        Path rsa = pki.traditional(server.key(), "server-rsa.key");
        assertTrue(Files.readString(rsa).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertEquals(rsa, fixture.load(tls(server.certificate(), rsa, "")).http().tls().orElseThrow().key());
        Pki.Pair ec = pki.server("server-ec", Pki.KeyType.EC, ca);
        Path sec1 = pki.traditional(ec.key(), "server-ec-sec1.key");
        assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertEquals(sec1, fixture.load(tls(ec.certificate(), sec1, "")).http().tls().orElseThrow().key());
    }

    @Test
    void missingMismatchedOrEncryptedFilesAreRefusedNamingTheKey() throws Exception {
        assertEquals("http.tls.key: required when http.tls is configured",
                failureOf("storage: filesystem\nhttp:\n  tls:\n    certificate: " + server.certificate() + "\n"));
        assertEquals("http.tls.certificate: file not found or not readable: " + dir.resolve("none.crt"),
                failureOf(tls(dir.resolve("none.crt"), server.key(), "")));
        assertTrue(failureOf(tls(server.key(), server.key(), "")).startsWith("http.tls.certificate: "));
        assertTrue(failureOf(tls(server.certificate(), server.certificate(), ""))
                .startsWith("http.tls.key: " + server.certificate() + ": holds no PEM private key"));
        assertEquals("http.tls.key: is not the key of the first certificate in " + server.certificate(),
                failureOf(tls(server.certificate(), ca.key(), "")));
        Path encrypted = dir.resolve("encrypted.key");
        dev.berth.registry.testing.Command.ok(List.of("openssl", "pkey", "-in", server.key().toString(), "-aes256",
                "-passout", "pass:secret", "-out", encrypted.toString()), 60);
        assertTrue(failureOf(tls(server.certificate(), encrypted, "")).contains("the private key is encrypted"));
    }

    @Test
    void oldTlsVersionsUnknownClientAuthAndLetsEncryptAreRefused() {
        assertTrue(failureOf(tls(server.certificate(), server.key(), "    minimumtls: tls1.0\n"))
                .startsWith("http.tls.minimumtls: must be tls1.2 or tls1.3"));
        assertTrue(failureOf(tls(server.certificate(), server.key(), "    clientauth: maybe\n"))
                .startsWith("http.tls.clientauth: must be require-and-verify-client-cert or verify-client-cert-if-given"));
        assertTrue(failureOf("storage: filesystem\nhttp:\n  tls:\n    letsencrypt:\n      email: a@b.c\n")
                .startsWith("http.tls.letsencrypt: not supported"));
    }
}
