package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.htpasswd} without {@code auth.access} stays registry:2's all-or-nothing: every
 * authenticated user may push, pull and delete everywhere, and nothing answers without credentials.
 */
class WithoutAccessSectionTest {

    @TempDir
    static Path folder;

    private static RegistryServer server;
    private static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 5, "alice", "a-pw", "bob", "b-pw");
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        server = RegistryServer.start(new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("plain", htpasswd))));
        client = new RegistryClient(server.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyUserMayDoEverythingOnAnyRepository() {
        String alice = Htpasswd.basic("alice", "a-pw");
        String bob = Htpasswd.basic("bob", "b-pw");
        byte[] blob = Blobs.random(100);
        String digest = Blobs.sha256(blob);
        RegistryClient.Response start = client.post("/v2/alice/own/deep/blobs/uploads/", null, "Authorization", alice);
        assertEquals(202, start.status(), start::toString);
        assertEquals(201, client.put(RegistryClient.withQuery(start.requireHeader("Location"), "digest=" + digest), blob,
                "Authorization", alice).status());
        assertEquals(200, client.get("/v2/alice/own/deep/blobs/" + digest, "Authorization", bob).status());
        assertEquals(200, client.get("/v2/_catalog", "Authorization", bob).status());
        assertEquals(202, client.delete("/v2/alice/own/deep/blobs/" + digest, "Authorization", bob).status());
    }

    @Test
    void nothingAnswersWithoutCredentialsNotEvenEmptyOnes() {
        assertEquals(401, client.get("/v2/_catalog").status());
        assertEquals(401, client.get("/v2/any/thing/tags/list").status());
        assertEquals(401, client.get("/v2/any/thing/tags/list", "Authorization", "Basic Og==").status());
        assertEquals(401, client.get("/v2/").status());
    }
}
