package dev.berth.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.testing.RegistryProcess;
import dev.berth.registry.testing.Requirement;
import dev.berth.registry.testing.TokenMinter;
import dev.berth.registry.testing.TokenServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.token} with a real client: skopeo {@code --creds} follows the registry's Bearer
 * challenge to a token server (in this test, on 127.0.0.1, signing with an openssl-made key whose
 * CA is the registry's rootcertbundle), pushes and pulls with the tokens it gets, and is refused
 * where the token server grants less. The registry runs as its own process, configured only by
 * {@code REGISTRY_AUTH_TOKEN_*} variables.
 */
class ExternalTokenSkopeoTest {

    private static final int TIMEOUT = 180;

    @Test
    void skopeoFetchesTokensFromTheRealmToPushAndPull(@TempDir Path folder) throws Exception {
        Requirement.requireTools("skopeo", "openssl");
        Pki pki = new Pki(folder);
        Pki.Pair ca = pki.ca("token-ca", Pki.KeyType.RSA);
        Pki.Pair signer = pki.issue("token-signer", Pki.KeyType.EC, ca, "keyUsage=digitalSignature");
        TokenMinter minter = new TokenMinter(signer.key(), List.of(signer.certificate()), "test-issuer", "berth-test");
        // writer: whatever it asks for; reader: pull only
        Map<String, String> users = Map.of("writer", "writer-pw", "reader", "reader-pw");
        try (TokenServer tokens = new TokenServer(minter, users, (user, scope) -> {
            List<String> asked = Arrays.asList(scope.substring(scope.lastIndexOf(':') + 1).split(","));
            return user.equals("writer") ? asked : asked.stream().filter(a -> a.equals("pull")).toList();
        })) {
            Path in = Files.createDirectory(folder.resolve("in"));
            OciLayout layout = new OciLayout(in);
            OciLayout.Ref image = layout.image("amd64", 2);
            layout.tag("v1", image);
            try (RegistryProcess registry = RegistryProcess.start("token", RegistryProcess.Launch.TEST_CLASSPATH,
                    Map.of("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", folder.resolve("data").toString(),
                            "REGISTRY_HTTP_SECRET", "test",
                            "REGISTRY_AUTH_TOKEN_REALM", tokens.realm(),
                            "REGISTRY_AUTH_TOKEN_SERVICE", "berth-test",
                            "REGISTRY_AUTH_TOKEN_ISSUER", "test-issuer",
                            "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", ca.certificate().toString()),
                    List.of(), null).awaitReady("/healthz")) {
                String host = "docker://127.0.0.1:" + registry.port() + "/";

                Command refused = copy(List.of("--dest-creds", "reader:reader-pw"), "oci:" + in + ":v1",
                        host + "apps/web:v1");
                assertNotEquals(0, refused.exitCode(), refused.output());
                assertTrue(refused.output().contains("unauthorized"), refused.output());

                Command.ok(copyCommand(List.of("--dest-creds", "writer:writer-pw"), "oci:" + in + ":v1",
                        host + "apps/web:v1"), TIMEOUT);
                assertTrue(tokens.requestedScopes().contains("repository:apps/web:pull,push"),
                        tokens.requestedScopes().toString());

                Path pulled = folder.resolve("pulled");
                Command.ok(copyCommand(List.of("--src-creds", "reader:reader-pw"), host + "apps/web:v1",
                        "oci:" + pulled + ":v1"), TIMEOUT);
                assertEquals(image.digest(), OciLayout.find(pulled, "v1").path("digest").asText());

                Command anonymous = copy(List.of(), host + "apps/web:v1", "oci:" + folder.resolve("none") + ":v1");
                assertNotEquals(0, anonymous.exitCode(), anonymous.output());
                Command wrongPassword = copy(List.of("--src-creds", "writer:nope"), host + "apps/web:v1",
                        "oci:" + folder.resolve("none2") + ":v1");
                assertNotEquals(0, wrongPassword.exitCode(), wrongPassword.output());
                String log = registry.log();
                assertTrue(log.contains("access denied: user=reader repository=apps/web action=push"), log);
            }
        }
    }

    private static Command copy(List<String> creds, String from, String to) throws Exception {
        return Command.run(copyCommand(creds, from, to), TIMEOUT);
    }

    private static List<String> copyCommand(List<String> creds, String from, String to) {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy",
                "--src-tls-verify=false", "--dest-tls-verify=false"));
        command.addAll(creds);
        command.addAll(List.of(from, to));
        return command;
    }
}
