package dev.berth.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.Requirement;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.access} with a real client: skopeo {@code --creds} pushes as a user granted push
 * and is refused as a read-only one, who can still pull; an anonymous skopeo pulls where the rules
 * let anyone. The registry runs as its own process configured only by {@code REGISTRY_*}
 * variables (the whole section in one), and logs each denial without the password.
 */
class AccessRulesSkopeoTest {

    private static final int TIMEOUT = 180;
    private static final String ACCESS = "{rules: ["
            + "{repositories: ['apps/**', 'public/**'], users: [writer], actions: [pull, push]},"
            + "{repositories: ['apps/**'], users: [reader], actions: [pull]},"
            + "{repositories: ['public/**'], anonymous: true, actions: [pull]}]}";

    @Test
    void skopeoPushesAsAWriterIsRefusedAsAReaderAndPullsAnonymouslyWhereAllowed(@TempDir Path folder)
            throws Exception {
        Requirement.requireTools("skopeo");
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 5, "writer", "writer-pw", "reader", "reader-pw-42");
        Path in = Files.createDirectory(folder.resolve("in"));
        OciLayout layout = new OciLayout(in);
        OciLayout.Ref image = layout.image("amd64", 2);
        layout.tag("v1", image);
        try (RegistryProcess registry = RegistryProcess.start("access", RegistryProcess.Launch.TEST_CLASSPATH, Map.of(
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", folder.resolve("data").toString(),
                "REGISTRY_HTTP_SECRET", "test",
                "REGISTRY_AUTH_HTPASSWD_REALM", "berth",
                "REGISTRY_AUTH_HTPASSWD_PATH", htpasswd.toString(),
                "REGISTRY_AUTH_ACCESS", ACCESS), List.of(), null).awaitReady("/healthz")) {
            String host = "docker://127.0.0.1:" + registry.port() + "/";

            Command refused = copy(List.of("--dest-creds", "reader:reader-pw-42"), "oci:" + in + ":v1",
                    host + "apps/web:v1");
            assertNotEquals(0, refused.exitCode(), refused.output());
            assertTrue(refused.output().toLowerCase().contains("denied"), refused.output());

            Command.ok(skopeo(List.of("--dest-creds", "writer:writer-pw"), "oci:" + in + ":v1", host + "apps/web:v1"),
                    TIMEOUT);
            Command.ok(skopeo(List.of("--dest-creds", "writer:writer-pw"), "oci:" + in + ":v1",
                    host + "public/web:v1"), TIMEOUT);

            Path byReader = folder.resolve("by-reader");
            Command.ok(skopeo(List.of("--src-creds", "reader:reader-pw-42"), host + "apps/web:v1",
                    "oci:" + byReader + ":v1"), TIMEOUT);
            assertEquals(image.digest(), OciLayout.find(byReader, "v1").path("digest").asText());

            Path byAnyone = folder.resolve("by-anyone");
            Command.ok(skopeo(List.of(), host + "public/web:v1", "oci:" + byAnyone + ":v1"), TIMEOUT);
            assertEquals(image.digest(), OciLayout.find(byAnyone, "v1").path("digest").asText());
            Command anonymousPrivate = copy(List.of(), host + "apps/web:v1", "oci:" + folder.resolve("no") + ":v1");
            assertNotEquals(0, anonymousPrivate.exitCode(), anonymousPrivate.output());

            String log = registry.log();
            assertTrue(log.contains("access denied: user=reader repository=apps/web action=push client=127.0.0.1"),
                    log);
            assertTrue(log.contains("access denied: user=(anonymous) repository=apps/web action=pull"), log);
            assertFalse(log.contains("reader-pw-42"), log);
        }
    }

    private static Command copy(List<String> creds, String from, String to) throws Exception {
        return Command.run(skopeo(creds, from, to), TIMEOUT);
    }

    private static List<String> skopeo(List<String> creds, String from, String to) {
        List<String> command = new java.util.ArrayList<>(List.of("skopeo", "--insecure-policy", "copy",
                "--src-tls-verify=false", "--dest-tls-verify=false"));
        command.addAll(creds);
        command.addAll(List.of(from, to));
        return command;
    }
}
