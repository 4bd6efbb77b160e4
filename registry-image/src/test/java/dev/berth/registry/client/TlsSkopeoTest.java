package dev.berth.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.config.TlsSettings;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.testing.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.tls} with skopeo verifying TLS ({@code --*-tls-verify=true}) against the test CA in
 * a certificate folder ({@code ca.crt}, as in {@code /etc/containers/certs.d}); with
 * {@code clientcas}, the folder's {@code client.cert}/{@code client.key} pair is what lets it in.
 */
class TlsSkopeoTest {

    private static final int TIMEOUT = 180;

    @Test
    void skopeoPushesAndPullsOverVerifiedTls(@TempDir Path folder) throws Exception {
        Requirement.requireTools("skopeo", "openssl");
        Pki pki = new Pki(folder);
        Pki.Pair ca = pki.ca("ca", Pki.KeyType.RSA);
        Pki.Pair server = pki.server("server", Pki.KeyType.RSA, ca);
        Path certs = Files.createDirectory(folder.resolve("certs"));
        Files.copy(ca.certificate(), certs.resolve("ca.crt"));
        OciLayout.Ref image = layout(folder.resolve("in"));
        try (RegistryServer registry = RegistryServer.start(RegistryConfig.forFilesystem(
                Files.createDirectory(folder.resolve("data")), true).withTls(new TlsSettings(server.certificate(),
                server.key())))) {
            String host = "docker://127.0.0.1:" + registry.port() + "/";
            Command.skopeo("copy", "--dest-tls-verify=true", "--dest-cert-dir", certs.toString(),
                    "oci:" + folder.resolve("in") + ":v1", host + "tls/app:v1");
            Command.skopeo("copy", "--src-tls-verify=true", "--src-cert-dir", certs.toString(), host + "tls/app:v1",
                    "oci:" + folder.resolve("out") + ":v1");
            assertEquals(image.digest(), OciLayout.find(folder.resolve("out"), "v1").path("digest").asText());
            Path noCa = Files.createDirectory(folder.resolve("no-ca"));
            Command untrusted = Command.trySkopeo("inspect", "--tls-verify=true", "--cert-dir", noCa.toString(),
                    host + "tls/app:v1");
            assertNotEquals(0, untrusted.exitCode(), untrusted.output());
        }
    }

    @Test
    void withClientCasSkopeoNeedsItsClientCertificate(@TempDir Path folder) throws Exception {
        Requirement.requireTools("skopeo", "openssl");
        Pki pki = new Pki(folder);
        Pki.Pair ca = pki.ca("ca", Pki.KeyType.EC);
        Pki.Pair server = pki.server("server", Pki.KeyType.EC, ca);
        Pki.Pair clientCa = pki.ca("client-ca", Pki.KeyType.RSA);
        Pki.Pair client = pki.client("client", clientCa);
        Path caOnly = Files.createDirectory(folder.resolve("ca-only"));
        Files.copy(ca.certificate(), caOnly.resolve("ca.crt"));
        Path withClient = Files.createDirectory(folder.resolve("with-client"));
        Files.copy(ca.certificate(), withClient.resolve("ca.crt"));
        Files.copy(client.certificate(), withClient.resolve("client.cert"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(client.key(), withClient.resolve("client.key"), StandardCopyOption.REPLACE_EXISTING);
        layout(folder.resolve("in"));
        try (RegistryServer registry = RegistryServer.start(RegistryConfig.forFilesystem(
                Files.createDirectory(folder.resolve("data")), true).withTls(new TlsSettings(server.certificate(),
                server.key(), List.of(clientCa.certificate()), "tls1.2", true)))) {
            String target = "docker://127.0.0.1:" + registry.port() + "/mtls/app:v1";
            Command refused = Command.trySkopeo("copy", "--dest-tls-verify=true", "--dest-cert-dir", caOnly.toString(),
                    "oci:" + folder.resolve("in") + ":v1", target);
            assertNotEquals(0, refused.exitCode(), refused.output());
            Command.skopeo("copy", "--dest-tls-verify=true", "--dest-cert-dir", withClient.toString(),
                    "oci:" + folder.resolve("in") + ":v1", target);
            Command.skopeo("inspect", "--tls-verify=true", "--cert-dir", withClient.toString(), target);
        }
    }

    private static OciLayout.Ref layout(Path dir) throws Exception {
        OciLayout layout = new OciLayout(Files.createDirectory(dir));
        OciLayout.Ref image = layout.image("amd64", 2);
        layout.tag("v1", image);
        return image;
    }
}
