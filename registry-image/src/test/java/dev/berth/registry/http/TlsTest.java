package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.config.TlsSettings;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.testing.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.tls} with curl: the registry serves HTTPS itself from openssl-made PEM files, with
 * a certificate for 127.0.0.1 that curl verifies against the CA, HTTP/1.1 only, TLS 1.2 and up
 * (1.3 only with {@code minimumtls: tls1.3}); with {@code clientcas} a client certificate signed
 * by those CAs is required.
 */
class TlsTest {

    private static final int TIMEOUT = 60;

    @TempDir
    static Path dir;

    private static Pki pki;
    private static Pki.Pair ca;
    private static Pki.Pair server;
    private static RegistryServer registry;

    @BeforeAll
    static void start() throws Exception {
        Requirement.requireTools("openssl", "curl");
        pki = new Pki(dir);
        ca = pki.ca("ca", Pki.KeyType.RSA);
        server = pki.server("server", Pki.KeyType.RSA, ca);
        registry = start("plain-tls", new TlsSettings(server.certificate(), server.key()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static RegistryServer start(String name, TlsSettings tls) throws Exception {
        return RegistryServer.start(RegistryConfig.forFilesystem(Files.createDirectory(dir.resolve(name)), true)
                .withTls(tls));
    }

    /** curl's exit code and {@code status http_version}, or its error. */
    private static Command curl(RegistryServer target, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-w",
                "%{http_code} %{http_version}", "--max-time", "20"));
        command.addAll(List.of(options));
        command.add(target.baseUri() + "/v2/");
        return Command.run(command, TIMEOUT);
    }

    @Test
    void curlVerifiesTheCertificateForTheAddressAndGetsTheApi() throws Exception {
        assertTrue(registry.baseUri().toString().startsWith("https://127.0.0.1:"), registry.baseUri().toString());
        Command ok = curl(registry, "--cacert", ca.certificate().toString());
        assertEquals(0, ok.exitCode(), ok.output());
        assertEquals("200 1.1", ok.output().trim());
        Command untrusted = curl(registry);
        assertEquals(60, untrusted.exitCode(), untrusted.output()); // the peer's certificate cannot be verified
    }

    @Test
    void onlyHttp11IsSpokenEvenWhenTheClientOffersHttp2() throws Exception {
        Command h2 = curl(registry, "--cacert", ca.certificate().toString(), "--http2");
        assertEquals(0, h2.exitCode(), h2.output());
        assertEquals("200 1.1", h2.output().trim());
    }

    @Test
    void tls12IsTheDefaultMinimumAndTls13CanBeRequired() throws Exception {
        Command tls12 = curl(registry, "--cacert", ca.certificate().toString(), "--tls-max", "1.2");
        assertEquals("200 1.1", tls12.output().trim());
        Command tls11 = curl(registry, "--cacert", ca.certificate().toString(), "--tlsv1.1", "--tls-max", "1.1");
        assertNotEquals(0, tls11.exitCode(), tls11.output());
        try (RegistryServer only13 = start("tls13", new TlsSettings(server.certificate(), server.key(), List.of(),
                "tls1.3", true))) {
            Command refused = curl(only13, "--cacert", ca.certificate().toString(), "--tls-max", "1.2");
            assertNotEquals(0, refused.exitCode(), refused.output());
            Command ok = curl(only13, "--cacert", ca.certificate().toString(), "--tlsv1.3");
            assertEquals("200 1.1", ok.output().trim());
        }
    }

    @Test
    void withClientCasAClientCertificateFromThoseCasIsRequired() throws Exception {
        Pki.Pair clientCa = pki.ca("client-ca", Pki.KeyType.EC);
        Pki.Pair client = pki.client("client", clientCa);
        Pki.Pair otherCa = pki.ca("other-client-ca", Pki.KeyType.EC);
        Pki.Pair stranger = pki.client("stranger", otherCa);
        // the server's key in OpenSSL's traditional EC form, as registry:2 setups often have it
        Pki.Pair ecServer = pki.server("server-ec", Pki.KeyType.EC, ca);
        Path sec1 = pki.traditional(ecServer.key(), "server-ec-sec1.key");
        try (RegistryServer mutual = start("mutual", new TlsSettings(ecServer.certificate(), sec1,
                List.of(clientCa.certificate()), "tls1.2", true))) {
            String trust = ca.certificate().toString();
            Command without = curl(mutual, "--cacert", trust);
            assertNotEquals(0, without.exitCode(), without.output());
            Command withCert = curl(mutual, "--cacert", trust, "--cert", client.certificate().toString(),
                    "--key", client.key().toString());
            assertEquals(0, withCert.exitCode(), withCert.output());
            assertEquals("200 1.1", withCert.output().trim());
            Command wrongCa = curl(mutual, "--cacert", trust, "--cert", stranger.certificate().toString(),
                    "--key", stranger.key().toString());
            assertNotEquals(0, wrongCa.exitCode(), wrongCa.output());
        }
    }

    @Test
    void clientCertificatesCanBeOptional() throws Exception {
        Pki.Pair clientCa = pki.ca("optional-client-ca", Pki.KeyType.EC);
        Pki.Pair client = pki.client("optional-client", clientCa);
        Pki.Pair stranger = pki.client("optional-stranger", pki.ca("optional-other-ca", Pki.KeyType.EC));
        try (RegistryServer optional = start("optional", new TlsSettings(server.certificate(), server.key(),
                List.of(clientCa.certificate()), "tls1.2", false))) {
            String trust = ca.certificate().toString();
            assertEquals("200 1.1", curl(optional, "--cacert", trust).output().trim());
            assertEquals("200 1.1", curl(optional, "--cacert", trust, "--cert", client.certificate().toString(),
                    "--key", client.key().toString()).output().trim());
            Command wrongCa = curl(optional, "--cacert", trust, "--cert", stranger.certificate().toString(),
                    "--key", stranger.key().toString());
            assertNotEquals(0, wrongCa.exitCode(), wrongCa.output()); // given, so verified
        }
    }
}
