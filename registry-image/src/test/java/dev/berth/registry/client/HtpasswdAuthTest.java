package dev.berth.registry.client;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.Htpasswd.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Requirement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.htpasswd} as registry:2 does it: bcrypt users ({@code $2y$}, as {@code htpasswd -B}
 * writes them; made in-process, and once by the real tool), HTTP Basic on every API request,
 * skopeo logging in with {@code --creds}.
 */
class HtpasswdAuthTest {

    private static final int TIMEOUT = 180;
    private static final int COST = 5;

    @TempDir
    static Path folder;

    private static Path htpasswd;
    private static RegistryServer server;
    private static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        htpasswd = Htpasswd.write(folder.resolve("htpasswd"), COST, "alice", "wonder land", "bob", "builder");
        Files.writeString(htpasswd, "# not bcrypt, so ignored\n" + shaEntry("dave", "sha only"),
                StandardOpenOption.APPEND);
        server = start(htpasswd, "data");
        client = new RegistryClient(server.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static RegistryServer start(Path file, String data) throws Exception {
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve(data)), true);
        return RegistryServer.start(new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("Berth test", file))));
    }

    /** An htpasswd {@code {SHA}} line: a valid entry for Apache, which registry:2 ignores. */
    private static String shaEntry(String user, String password) throws Exception {
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(password.getBytes(StandardCharsets.UTF_8));
        return user + ":{SHA}" + Base64.getEncoder().encodeToString(sha1) + "\n";
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
        // registry:2 takes bcrypt entries only; a {SHA} one is ignored with a warning.
        assertError(client.get("/v2/", "Authorization", basic("dave", "sha only")), 401, "UNAUTHORIZED");
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
        // Its own registry: the polling below fails a few logins, which must not use up the
        // failures the shared registry allows this client address.
        Path file = Htpasswd.write(folder.resolve("htpasswd-added"), COST, "alice", "wonder land");
        try (RegistryServer own = start(file, "data-added")) {
            RegistryClient ownClient = new RegistryClient(own.baseUri());
            assertError(ownClient.get("/v2/", "Authorization", basic("carol", "new user")), 401, "UNAUTHORIZED");
            Path carol = Htpasswd.write(folder.resolve("carol"), COST, "carol", "new user");
            Files.writeString(file, Files.readString(carol), StandardOpenOption.APPEND);
            // The file is looked at again at most once a second; 400 ms apart stays below the
            // ten failures a minute one address may cause.
            Eventually.await(Duration.ofSeconds(3), Duration.ofMillis(400), "carol admitted after the file changed",
                    () -> ownClient.get("/v2/", "Authorization", basic("carol", "new user")).status() == 200);
        }
    }

    @Test
    void entriesTheRealHtpasswdToolWritesAreReadAsRegistry2ReadsThem() throws Exception {
        Requirement.requireTools("htpasswd");
        String bcrypt = Command.ok(List.of("htpasswd", "-nbB", "erin", "real tool"), TIMEOUT).strip();
        assertTrue(bcrypt.startsWith("erin:$2y$"), bcrypt);
        String md5 = Command.ok(List.of("htpasswd", "-nbm", "frank", "md5 only"), TIMEOUT).strip();
        assertTrue(md5.startsWith("frank:$apr1$"), md5);
        Path file = Files.writeString(folder.resolve("htpasswd-tool"), bcrypt + "\n" + md5 + "\n");
        try (RegistryServer own = start(file, "data-tool")) {
            RegistryClient ownClient = new RegistryClient(own.baseUri());
            assertEquals(200, ownClient.get("/v2/", "Authorization", basic("erin", "real tool")).status());
            // registry:2 takes bcrypt entries only; an MD5 one ($apr1$) is ignored with a warning.
            assertError(ownClient.get("/v2/", "Authorization", basic("frank", "md5 only")), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void skopeoPushesAndPullsWithCredentialsAndIsRefusedWithout(@TempDir Path in, @TempDir Path out)
            throws Exception {
        Requirement.requireTools("skopeo");
        OciLayout layout = new OciLayout(in);
        OciLayout.Ref image = layout.image("amd64", 2);
        layout.tag("v1", image);
        String target = "docker://127.0.0.1:" + server.port() + "/auth/app:v1";

        Command refused = Command.trySkopeo("copy", "--dest-tls-verify=false", "oci:" + in + ":v1", target);
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().toLowerCase().contains("unauthorized")
                || refused.output().toLowerCase().contains("authentication required"), refused.output());

        Command.skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:wonder land",
                "oci:" + in + ":v1", target);
        Command.skopeo("copy", "--src-tls-verify=false", "--src-creds", "bob:builder", target, "oci:" + out + ":v1");
        assertEquals(image.digest(), OciLayout.find(out, "v1").path("digest").asText());
    }
}
