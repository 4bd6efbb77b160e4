package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The htpasswd file changed under a running registry, as an operator changes it with the
 * {@code htpasswd} tool: added users and new passwords count within seconds without a restart;
 * a file that cannot be parsed keeps the users read before until it is fixed.
 */
class HtpasswdReloadTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Duration EVERY = Duration.ofMillis(300);

    @TempDir
    Path folder;

    private RegistryServer start(Path htpasswd) throws Exception {
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        // The polling below fails logins on purpose: lift the failure limits it would run into.
        return RegistryServer.start(new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("reload", htpasswd)))
                .withLimits(Limits.DEFAULTS.withPasswordChecks(1, 1_000_000, false).withUserFailures(1_000_000)));
    }

    private static int status(RegistryClient client, String user, String password) {
        return client.get("/v2/", "Authorization", Htpasswd.basic(user, password)).status();
    }

    @Test
    void theHtpasswdToolAddsAUserAndChangesAPasswordWithoutARestart() throws Exception {
        Requirement.requireTools("htpasswd");
        Path file = folder.resolve("htpasswd");
        Command.ok(List.of("htpasswd", "-cbB", "-C", "5", file.toString(), "alice", "first"), 30);
        try (RegistryServer server = start(file)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            assertEquals(200, status(client, "alice", "first"));
            assertEquals(401, status(client, "dave", "new here"));

            Command.ok(List.of("htpasswd", "-bB", "-C", "5", file.toString(), "dave", "new here"), 30);
            Eventually.await(WITHIN, EVERY, "dave admitted after htpasswd added him",
                    () -> status(client, "dave", "new here") == 200);

            Command.ok(List.of("htpasswd", "-bB", "-C", "5", file.toString(), "alice", "second"), 30);
            Eventually.await(WITHIN, EVERY, "alice's old password refused after htpasswd changed it",
                    () -> status(client, "alice", "first") == 401);
            assertEquals(200, status(client, "alice", "second"));

            Command.ok(List.of("htpasswd", "-D", file.toString(), "dave"), 30);
            Eventually.await(WITHIN, EVERY, "dave refused after htpasswd deleted him",
                    () -> status(client, "dave", "new here") == 401);
        }
    }

    @Test
    void aFileThatCannotBeParsedKeepsTheUsersReadBefore() throws Exception {
        Path file = Htpasswd.write(folder.resolve("htpasswd"), 4, "alice", "wonder land");
        String good = Files.readString(file);
        try (RegistryServer server = start(file)) {
            RegistryClient client = new RegistryClient(server.baseUri());
            assertEquals(200, status(client, "alice", "wonder land"));

            // Half written: bob's entry is cut off, and a line holds no user:hash at all.
            Path bob = Htpasswd.write(folder.resolve("bob"), 4, "bob", "builder");
            String bobLine = Files.readString(bob).strip();
            Files.writeString(file, bobLine + "\nnot an entry\n" + bobLine.substring(0, 30) + "\n");
            // The broken file is looked at (its stamp changed) but not used: alice, whose line is
            // gone from it, stays, and bob, whose line is whole, is not taken from a broken file.
            for (int i = 0; i < 5; i++) {
                assertEquals(200, status(client, "alice", "wonder land"));
                assertEquals(401, status(client, "bob", "builder"));
                Thread.sleep(EVERY.toMillis()); // spans several of the file's once-a-second looks
            }

            Files.writeString(file, good + bobLine + "\n");
            Eventually.await(WITHIN, EVERY, "bob admitted once the file is whole again",
                    () -> status(client, "bob", "builder") == 200);
            assertEquals(200, status(client, "alice", "wonder land"));
        }
    }
}
