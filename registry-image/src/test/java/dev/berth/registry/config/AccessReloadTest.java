package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.access} edited in the config file of a running registry (its own JVM, started
 * with the file as an operator starts it): the new rules count within seconds, a section that
 * cannot be used keeps the rules in force, other changed keys are reported as needing a restart,
 * and rules naming users the htpasswd file lacks are warned about.
 */
class AccessReloadTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final Duration EVERY = Duration.ofMillis(250);

    @TempDir
    Path folder;

    private String config(Path htpasswd, String level, String rules) {
        return """
                version: 0.1
                log:
                  level: %s
                storage:
                  filesystem:
                    rootdirectory: %s
                auth:
                  htpasswd:
                    realm: reload
                    path: %s
                  access:
                    admins: [admin]
                    groups:
                      team: [alice]
                    rules:
                %s
                """.formatted(level, folder.resolve("data"), htpasswd, rules.indent(6).stripTrailing());
    }

    private static int upload(RegistryClient client, String user, String repository) {
        return client.post("/v2/" + repository + "/blobs/uploads/", new byte[0], "Authorization",
                Htpasswd.basic(user, "pw")).status();
    }

    @Test
    void editedRulesCountWithoutARestartAndOtherChangesAreReported() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 4, "admin", "pw", "alice", "pw", "bob", "pw");
        Path file = folder.resolve("config.yml");
        String teamRule = "- repositories: [team/**]\n  groups: [team]\n  actions: [pull, push]\n";
        Files.writeString(file, config(htpasswd, "info", teamRule));
        try (RegistryProcess registry = RegistryProcess.start("access-reload", RegistryProcess.Launch.TEST_CLASSPATH,
                Map.of("REGISTRY_CONFIGURATION_PATH", file.toString()), List.of(), null).awaitReady("/healthz")) {
            RegistryClient client = new RegistryClient(registry.base());
            assertEquals(202, upload(client, "alice", "team/app"));
            assertEquals(403, upload(client, "bob", "team/app"));

            // bob joins through a rule of his own; the change to log.level needs a restart.
            String bobRule = "- repositories: [team/**]\n  users: [bob]\n  actions: [pull, push]\n";
            Files.writeString(file, config(htpasswd, "debug", teamRule + bobRule));
            Eventually.await(WITHIN, EVERY, "bob may push after the rule was added",
                    () -> upload(client, "bob", "team/app") == 202);
            assertTrue(registry.log().contains("log.level need(s) a restart to take effect"), registry.log());

            // A rule naming an undefined group: the whole section is refused, the rules in force stay.
            Files.writeString(file, config(htpasswd, "debug", "- repositories: [team/**]\n  groups: [nobody]\n"
                    + "  actions: [pull]\n"));
            Eventually.await(WITHIN, EVERY, "the unusable section reported",
                    () -> registry.log().contains("cannot be used, keeping the access rules in force"));
            assertEquals(202, upload(client, "bob", "team/app"));
            assertEquals(202, upload(client, "alice", "team/app"));

            // A rule for a user the htpasswd file does not hold yet: warned about, then added.
            String carolRule = "- repositories: [carol/*]\n  users: [carol]\n  actions: [pull, push]\n";
            Files.writeString(file, config(htpasswd, "debug", teamRule + carolRule));
            Eventually.await(WITHIN, EVERY, "bob's grant gone with his rule",
                    () -> upload(client, "bob", "team/app") == 403);
            assertTrue(registry.log().contains("does not hold: carol"), registry.log());
            Files.writeString(htpasswd, Files.readString(Htpasswd.write(folder.resolve("carol"), 4, "carol", "pw")),
                    java.nio.file.StandardOpenOption.APPEND);
            Eventually.await(WITHIN, EVERY, "carol, added to the file, may push where her rule says",
                    () -> upload(client, "carol", "carol/app") == 202);
        }
    }
}
