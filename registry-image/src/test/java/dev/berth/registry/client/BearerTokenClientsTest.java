package dev.berth.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.Containerd;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.RegistryProcess;
import dev.berth.registry.testing.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients through the Docker token flow of {@code auth.bearer}: the registry's 401 names a
 * Bearer realm, so skopeo and podman fetch tokens from {@code /token} (with {@code --creds}, or
 * with the auth file {@code login} wrote) and send them with every request. A writer pushes and
 * pulls, a reader pulls but is refused a push, anyone pulls {@code public/**} without logging in,
 * a wrong password fails the login; containerd's ctr does the same through the POST form of the
 * token endpoint. The registry runs as its own process, configured only by
 * {@code REGISTRY_*} variables; its log shows the token endpoint at work and holds no password
 * and no token.
 */
class BearerTokenClientsTest {

    private static final int TIMEOUT = 180;
    private static final String WRITER_PW = "writer-password-1";
    private static final String READER_PW = "reader-password-2";
    private static final String ACCESS = "{rules: ["
            + "{repositories: ['apps/**', 'public/**'], users: [writer], actions: [pull, push]},"
            + "{repositories: ['apps/**'], users: [reader], actions: [pull]},"
            + "{repositories: ['public/**'], anonymous: true, actions: [pull]}]}";

    private static Path folder;
    private static RegistryProcess registry;
    private static OciLayout.Ref image;

    @BeforeAll
    static void start() throws Exception {
        Requirement.requireTools("skopeo", "podman");
        // short: podman refuses a runroot longer than 50 characters
        folder = Files.createTempDirectory(Path.of("/tmp"), "bt");
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 5, "writer", WRITER_PW, "reader", READER_PW);
        OciLayout layout = new OciLayout(Files.createDirectory(folder.resolve("in")));
        image = layout.image("amd64", 2);
        layout.tag("v1", image);
        registry = RegistryProcess.start("bearer", RegistryProcess.Launch.TEST_CLASSPATH, Map.of(
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", folder.resolve("data").toString(),
                "REGISTRY_HTTP_SECRET", "test",
                "REGISTRY_LOG_FORMATTER", "text",
                "REGISTRY_AUTH_HTPASSWD_REALM", "berth",
                "REGISTRY_AUTH_HTPASSWD_PATH", htpasswd.toString(),
                "REGISTRY_AUTH_BEARER_SIGNINGKEY", "signing-key-for-the-client-tests-0123456789",
                "REGISTRY_AUTH_BEARER_SERVICE", "berth-clients",
                "REGISTRY_AUTH_ACCESS", ACCESS), List.of(), null).awaitReady("/healthz");
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        RunningRegistry.deleteTree(folder);
    }

    private static String host() {
        return "127.0.0.1:" + registry.port();
    }

    @Test
    void skopeoLogsInPushesAndPullsWithTokens() throws Exception {
        Path authFile = folder.resolve("skopeo-auth.json");
        Command wrong = Command.run(List.of("skopeo", "login", "--tls-verify=false", "--authfile", authFile.toString(),
                "-u", "writer", "-p", "not-the-password", host()), TIMEOUT);
        assertNotEquals(0, wrong.exitCode(), wrong.output());
        Command.ok(List.of("skopeo", "login", "--tls-verify=false", "--authfile", authFile.toString(),
                "-u", "writer", "-p", WRITER_PW, host()), TIMEOUT);

        String source = "oci:" + folder.resolve("in") + ":v1";
        Command.ok(copy(List.of("--dest-creds", "writer:" + WRITER_PW), source, docker("apps/web:v1")), TIMEOUT);
        Command.ok(copy(List.of("--authfile", authFile.toString()), source, docker("public/web:v1")), TIMEOUT);

        Path pulled = folder.resolve("pulled-with-login");
        Command.ok(copy(List.of("--authfile", authFile.toString()), docker("apps/web:v1"), "oci:" + pulled + ":v1"),
                TIMEOUT);
        assertEquals(image.digest(), OciLayout.find(pulled, "v1").path("digest").asText());

        Command refused = Command.run(copy(List.of("--dest-creds", "reader:" + READER_PW), source,
                docker("apps/web:by-reader")), TIMEOUT);
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().toLowerCase().contains("denied"), refused.output());
        Path byReader = folder.resolve("pulled-by-reader");
        Command.ok(copy(List.of("--src-creds", "reader:" + READER_PW), docker("apps/web:v1"), "oci:" + byReader + ":v1"),
                TIMEOUT);
        assertEquals(image.digest(), OciLayout.find(byReader, "v1").path("digest").asText());

        Path byAnyone = folder.resolve("pulled-by-anyone");
        Command.ok(copy(List.of(), docker("public/web:v1"), "oci:" + byAnyone + ":v1"), TIMEOUT);
        assertEquals(image.digest(), OciLayout.find(byAnyone, "v1").path("digest").asText());
        Command anonymousPrivate = Command.run(copy(List.of(), docker("apps/web:v1"),
                "oci:" + folder.resolve("not-pulled") + ":v1"), TIMEOUT);
        assertNotEquals(0, anonymousPrivate.exitCode(), anonymousPrivate.output());

        String log = registry.log();
        // The token endpoint saw the logins and narrowed the reader's push scope.
        assertTrue(log.contains("TokenEndpoint: login failed: user=writer client=127.0.0.1"), log);
        assertTrue(log.contains("TokenEndpoint: access denied: user=reader repository=apps/web action=push"), log);
        assertTrue(log.contains("access denied: user=reader repository=apps/web action=push client=127.0.0.1"), log);
        assertNoSecrets(log, authFile);
    }

    @Test
    void podmanLogsInPullsAndPushesWithTokens() throws Exception {
        Command.ok(copy(List.of("--dest-creds", "writer:" + WRITER_PW), "oci:" + folder.resolve("in") + ":v1",
                docker("apps/podman-source:v1")), TIMEOUT);
        Path authFile = folder.resolve("podman-auth.json");
        podman("login", "--tls-verify=false", "--authfile", authFile.toString(), "-u", "writer", "-p", WRITER_PW,
                host());
        String source = host() + "/apps/podman-source:v1";
        podman("pull", "--tls-verify=false", "--authfile", authFile.toString(), source);
        podman("push", "--tls-verify=false", "--authfile", authFile.toString(), source,
                "docker://" + host() + "/apps/podman-copy:v1");
        Path pulled = folder.resolve("pushed-by-podman");
        Command.ok(copy(List.of("--src-creds", "reader:" + READER_PW), docker("apps/podman-copy:v1"),
                "oci:" + pulled + ":v1"), TIMEOUT);
        assertFalse(OciLayout.find(pulled, "v1").path("digest").asText().isEmpty());

        Path readerAuth = folder.resolve("podman-reader-auth.json");
        podman("login", "--tls-verify=false", "--authfile", readerAuth.toString(), "-u", "reader", "-p", READER_PW,
                host());
        Command refused = Command.run(podmanCommand("push", "--tls-verify=false", "--authfile", readerAuth.toString(),
                source, "docker://" + host() + "/apps/podman-by-reader:v1"), TIMEOUT);
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().toLowerCase().contains("denied"), refused.output());
        assertNoSecrets(registry.log(), authFile);
    }

    /**
     * containerd asks the token endpoint by POST (OAuth2 password grant) when it holds credentials:
     * a reader fetches an image, a wrong password is refused there, the reader's push is denied
     * and the writer's goes through.
     */
    @Test
    void containerdFetchesAndPushesWithTokensFromAPost() throws Exception {
        Requirement.requireTools("containerd", "ctr");
        Command.ok(copy(List.of("--dest-creds", "writer:" + WRITER_PW), "oci:" + folder.resolve("in") + ":v1",
                docker("apps/ctr-source:v1")), TIMEOUT);
        String source = host() + "/apps/ctr-source:v1";
        String copy = host() + "/apps/ctr-copy:v1";
        try (Containerd containerd = Containerd.start(Files.createDirectory(folder.resolve("ctrd")))) {
            Command wrong = Command.run(containerd.ctr("content", "fetch", "--plain-http", "--user",
                    "reader:not-the-password", source), TIMEOUT);
            assertNotEquals(0, wrong.exitCode(), wrong.output());
            // "failed to fetch oauth token: ... 401": refused at the token endpoint's POST form
            assertTrue(wrong.output().contains("oauth token") && wrong.output().contains("401"), wrong.output());
            Command.ok(containerd.ctr("content", "fetch", "--plain-http", "--user", "reader:" + READER_PW, source),
                    TIMEOUT);
            Command denied = Command.run(containerd.ctr("images", "push", "--plain-http", "--user",
                    "reader:" + READER_PW, copy, source), TIMEOUT);
            assertNotEquals(0, denied.exitCode(), denied.output());
            assertTrue(denied.output().contains("403"), denied.output());
            Command.ok(containerd.ctr("images", "push", "--plain-http", "--user", "writer:" + WRITER_PW, copy, source),
                    TIMEOUT);
        }
        Path pulled = folder.resolve("pushed-by-containerd");
        Command.ok(copy(List.of("--src-creds", "reader:" + READER_PW), docker("apps/ctr-copy:v1"),
                "oci:" + pulled + ":v1"), TIMEOUT);
        assertEquals(image.digest(), OciLayout.find(pulled, "v1").path("digest").asText());
        String log = registry.log();
        assertTrue(log.contains("TokenEndpoint: access denied: user=reader repository=apps/ctr-copy action=push"),
                log);
        assertFalse(log.contains(READER_PW) || log.contains("eyJ"), log);
    }

    /** No password in the log, and none of the tokens the clients held (podman and skopeo keep only the auth). */
    private static void assertNoSecrets(String log, Path authFile) throws Exception {
        assertFalse(log.contains(WRITER_PW), log);
        assertFalse(log.contains(READER_PW), log);
        assertFalse(log.contains("not-the-password"), log);
        assertFalse(log.contains("eyJ"), log); // the start of every JWT
        assertTrue(new ObjectMapper().readTree(authFile.toFile()).path("auths").has(host()));
    }

    private static String docker(String reference) {
        return "docker://" + host() + "/" + reference;
    }

    private static List<String> copy(List<String> creds, String from, String to) {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy",
                "--src-tls-verify=false", "--dest-tls-verify=false"));
        command.addAll(creds);
        command.addAll(List.of(from, to));
        return command;
    }

    private static List<String> podmanCommand(String... args) throws Exception {
        for (String dir : List.of("p-root", "p-run", "tmp")) {
            Files.createDirectories(folder.resolve(dir));
        }
        List<String> command = new ArrayList<>(List.of("podman", "--root", folder.resolve("p-root").toString(),
                "--runroot", folder.resolve("p-run").toString(), "--storage-driver", "vfs",
                "--tmpdir", folder.resolve("tmp").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String podman(String... args) throws Exception {
        return Command.ok(podmanCommand(args), TIMEOUT);
    }
}
