package dev.berth.registry.client;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryClient;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.http.RunningRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.htpasswd} as registry:2 does it: users made with the real {@code htpasswd -B}
 * (apache2-utils), HTTP Basic on every API request, skopeo logging in with {@code --creds}.
 */
class HtpasswdAuthTest {

    private static final int TIMEOUT = 180;

    @TempDir
    static Path folder;

    private static Path htpasswd;
    private static RegistryServer server;
    private static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Command.onPath("htpasswd"), "htpasswd is not on PATH: install apache2-utils to run the auth tests");
        htpasswd = folder.resolve("htpasswd");
        String md5 = Command.ok(List.of("htpasswd", "-nbm", "dave", "md5 only"), TIMEOUT).strip() + "\n";
        Files.writeString(htpasswd, "# made by htpasswd -B\n" + user("alice", "wonder land") + user("bob", "builder")
                + md5);
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        server = RegistryServer.start(new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("Berth test", htpasswd))));
        client = new RegistryClient(server.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** An htpasswd line for the user, from the real tool (bcrypt, {@code $2y$}). */
    private static String user(String name, String password) throws Exception {
        String line = Command.ok(List.of("htpasswd", "-nbB", name, password), TIMEOUT).strip();
        assertTrue(line.startsWith(name + ":$2y$"), line);
        return line + "\n";
    }

    private static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutCredentialsTheApiAnswersUnauthorizedWithABasicChallenge() {
        RegistryClient.Response response = client.get("/v2/");
        assertError(response, 401, "UNAUTHORIZED");
        assertEquals("Basic realm=\"Berth test\"", response.requireHeader("WWW-Authenticate"));
        assertEquals("registry/2.0", response.requireHeader("Docker-Distribution-API-Version"));
        assertError(client.get("/v2/_catalog"), 401, "UNAUTHORIZED");
        assertError(client.post("/v2/team/app/blobs/uploads/", new byte[0]), 401, "UNAUTHORIZED");
    }

    @Test
    void wrongPasswordsUnknownUsersNonBcryptEntriesAndOtherSchemesAreUnauthorized() {
        // registry:2 takes bcrypt entries only; an MD5 one ($apr1$) is ignored with a warning.
        assertError(client.get("/v2/", "Authorization", basic("dave", "md5 only")), 401, "UNAUTHORIZED");
        assertError(client.get("/v2/", "Authorization", basic("alice", "wonderland")), 401, "UNAUTHORIZED");
        assertError(client.get("/v2/", "Authorization", basic("mallory", "wonder land")), 401, "UNAUTHORIZED");
        assertError(client.get("/v2/", "Authorization", "Bearer abc"), 401, "UNAUTHORIZED");
        assertError(client.get("/v2/", "Authorization", "Basic not-base64!"), 401, "UNAUTHORIZED");
        assertError(client.get("/v2/", "Authorization", basic("alice", "x".repeat(100))), 401, "UNAUTHORIZED");
    }

    @Test
    void rightCredentialsOpenTheApiAgainAndAgain() {
        for (int i = 0; i < 3; i++) { // the later ones come from the remembered check
            assertEquals(200, client.get("/v2/", "Authorization", basic("alice", "wonder land")).status());
        }
        assertEquals(200, client.get("/v2/_catalog", "Authorization", basic("bob", "builder")).status());
    }

    @Test
    void theHealthCheckNeedsNoCredentials() {
        assertEquals(200, client.get("/healthz").status());
    }

    @Test
    void encodedPathsAreAuthenticatedAsTheyAreRouted() {
        // one decoded path for both: %76%32 is v2, so it needs credentials; %7a is z, so it is the health check
        assertError(client.get("/%76%32/"), 401, "UNAUTHORIZED");
        assertError(client.get("/v2/_c%61talog"), 401, "UNAUTHORIZED");
        assertEquals(200, client.get("/v2/_c%61talog", "Authorization", basic("alice", "wonder land")).status());
        assertEquals(200, client.get("/health%7A").status());
    }

    @Test
    void usersAddedToTheFileCanLogInWithoutARestart() throws Exception {
        assertError(client.get("/v2/", "Authorization", basic("carol", "new user")), 401, "UNAUTHORIZED");
        Files.writeString(htpasswd, user("carol", "new user"), StandardOpenOption.APPEND);
        Thread.sleep(1_200); // the file is looked at again at most once a second
        assertEquals(200, client.get("/v2/", "Authorization", basic("carol", "new user")).status());
    }

    @Test
    void skopeoPushesAndPullsWithCredentialsAndIsRefusedWithout(@TempDir Path in, @TempDir Path out)
            throws Exception {
        assumeTrue(Command.onPath("skopeo"), "skopeo is not on PATH: install it to run the real-client tests");
        OciLayout layout = new OciLayout(in);
        OciLayout.Ref image = layout.image("amd64", 2);
        layout.tag("v1", image);
        String target = "docker://127.0.0.1:" + server.port() + "/auth/app:v1";

        Command refused = Command.run(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                "oci:" + in + ":v1", target), TIMEOUT);
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().toLowerCase().contains("unauthorized")
                || refused.output().toLowerCase().contains("authentication required"), refused.output());

        Command.ok(List.of("skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                "--dest-creds", "alice:wonder land", "oci:" + in + ":v1", target), TIMEOUT);
        Command.ok(List.of("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false",
                "--src-creds", "bob:builder", target, "oci:" + out + ":v1"), TIMEOUT);
        assertEquals(image.digest(), OciLayout.find(out, "v1").path("digest").asText());
    }
}
