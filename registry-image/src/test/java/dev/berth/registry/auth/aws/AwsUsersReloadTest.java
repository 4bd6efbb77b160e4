package dev.berth.registry.auth.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.testing.AwsJsonServer;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.aws} end to end: a registry in its own JVM, set up by {@code REGISTRY_AUTH_AWS_*}
 * variables as the CDK stack sets them, reads its users and rules through the real SDK from
 * {@link AwsJsonServer}; a password, a user or a rule changed there counts within the refresh
 * (1 s here) without a restart; an outage or a broken document keeps the last good users and
 * rules. The credentials are the test's own, given to the child process explicitly.
 */
class AwsUsersReloadTest {

    private static final String PARAMETER = "/berth/test/users";
    private static final Duration WITHIN = Duration.ofSeconds(15);
    private static final Duration EVERY = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path folder;

    private static AwsJsonServer aws;
    private static RegistryProcess registry;
    private static RegistryClient client;
    private static final ObjectNode DOCUMENT = JSON.createObjectNode();

    @BeforeAll
    static void start() throws Exception {
        aws = AwsJsonServer.start();
        user("alice", "alice-secret-1", "ops");
        user("bob", "bob-secret-1");
        ObjectNode access = DOCUMENT.putObject("access");
        access.putArray("admins").add("root");
        user("root", "root-secret");
        access.putObject("groups").putArray("readers").add("bob");
        ArrayNode rules = access.putArray("rules");
        rule(rules, "team/**", "groups", "ops", "pull", "push");
        rule(rules, "team/**", "groups", "readers", "pull");
        publish();
        registry = RegistryProcess.start("aws-users", RegistryProcess.Launch.TEST_CLASSPATH, environment(PARAMETER),
                List.of(), null).awaitReady("/healthz");
        client = new RegistryClient(registry.base());
    }

    @AfterAll
    static void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    /** The registry's whole setting: storage, auth.aws with a 1 s refresh, the test's AWS credentials. */
    private static Map<String, String> environment(String parameter) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", Files.createTempDirectory(folder, "data").toString());
        env.put("REGISTRY_AUTH_AWS_PARAMETER", parameter);
        env.put("REGISTRY_AUTH_AWS_ENDPOINT", aws.endpoint().toString());
        env.put("REGISTRY_AUTH_AWS_REGION", AwsJsonServer.REGION);
        env.put("REGISTRY_AUTH_AWS_REFRESH", "1s");
        // The polling below fails logins on purpose until a change arrives: lift the failure limits.
        env.put("REGISTRY_LIMITS_PASSWORDFAILURES", "100000");
        env.put("REGISTRY_LIMITS_USERFAILURES", "100000");
        env.put("AWS_ACCESS_KEY_ID", AwsJsonServer.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", AwsJsonServer.SECRET_KEY);
        return env;
    }

    private static void user(String name, String password, String... groups) {
        String secret = "berth/users/" + name;
        aws.putSecret(secret, password);
        ObjectNode users = DOCUMENT.has("users") ? (ObjectNode) DOCUMENT.get("users") : DOCUMENT.putObject("users");
        ObjectNode user = users.putObject(name).put("secret", name.equals("bob") ? AwsJsonServer.arnOf(secret) : secret);
        if (groups.length > 0) {
            ArrayNode list = user.putArray("groups");
            for (String group : groups) {
                list.add(group);
            }
        }
    }

    private static void rule(ArrayNode rules, String repositories, String kind, String who, String... actions) {
        ObjectNode rule = rules.addObject();
        rule.putArray("repositories").add(repositories);
        rule.putArray(kind).add(who);
        ArrayNode list = rule.putArray("actions");
        for (String action : actions) {
            list.add(action);
        }
    }

    private static void publish() throws Exception {
        aws.putParameter(PARAMETER, JSON.writeValueAsString(DOCUMENT));
    }

    private static int login(String user, String password) {
        return client.get("/v2/", "Authorization", Htpasswd.basic(user, password)).status();
    }

    private static int startUpload(String user, String password, String repository) {
        return client.post("/v2/" + repository + "/blobs/uploads/", new byte[0], "Authorization",
                Htpasswd.basic(user, password)).status();
    }

    /** Waits for {@code condition}; answers how long the change took to count. */
    private static long awaitChange(String what, BooleanSupplier condition) {
        long started = System.nanoTime();
        Eventually.await(WITHIN, EVERY, what, condition);
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println(what + ": " + millis + " ms");
        return millis;
    }

    @Test
    void usersLogInWithTheirSecretsAndTheRulesOfTheParameterApply() {
        assertEquals(200, login("alice", "alice-secret-1"));
        assertEquals(401, login("alice", "wrong"));
        assertEquals(401, login("nobody", "alice-secret-1"));
        assertEquals(202, startUpload("alice", "alice-secret-1", "team/app"), "ops (from alice's groups) may push");
        assertEquals(403, startUpload("bob", "bob-secret-1", "team/app"), "readers may only pull");
        assertEquals(202, startUpload("root", "root-secret", "anything/else"), "an admin may do everything");
        // The SDK signed every call with the credentials this test gave the process, none other.
        assertEquals(Set.of(AwsJsonServer.ACCESS_KEY), aws.accessKeysSeen());
        assertTrue(aws.calls("secretsmanager.GetSecretValue") >= 3, "one call per user's secret");
    }

    @Test
    void aChangedPasswordCountsWithinTheRefreshWithoutARestart() throws Exception {
        assertEquals(200, login("bob", "bob-secret-1"));
        aws.putSecret("berth/users/bob", "bob-secret-2");
        long took = awaitChange("bob's new password accepted", () -> login("bob", "bob-secret-2") == 200);
        assertTrue(took < WITHIN.toMillis());
        assertEquals(401, login("bob", "bob-secret-1"), "the old password (remembered before) no longer counts");
    }

    @Test
    void anAddedUserAndAChangedRuleCountWithinTheRefresh() throws Exception {
        assertEquals(401, login("carol", "carol-secret"));
        user("carol", "carol-secret", "ops");
        publish();
        awaitChange("carol, added to the parameter, logs in", () -> login("carol", "carol-secret") == 200);
        assertEquals(202, startUpload("carol", "carol-secret", "team/carol"), "her groups came with her");

        user("dan", "dan-secret");
        publish();
        awaitChange("dan, added without groups, logs in", () -> login("dan", "dan-secret") == 200);
        assertEquals(403, startUpload("dan", "dan-secret", "team/dan"), "no rule names dan yet");
        ArrayNode rules = (ArrayNode) DOCUMENT.get("access").get("rules");
        rule(rules, "team/dan", "users", "dan", "pull", "push");
        publish();
        awaitChange("dan may push once a rule grants it", () -> startUpload("dan", "dan-secret", "team/dan") == 202);

        ((ObjectNode) DOCUMENT.get("users")).remove("carol");
        publish();
        awaitChange("carol, removed from the parameter, is refused", () -> login("carol", "carol-secret") == 401);
    }

    @Test
    void anOutageOrABrokenDocumentKeepsTheLastGoodUsersAndRules() throws Exception {
        assertEquals(200, login("alice", "alice-secret-1"));
        int before = aws.calls("AmazonSSM.GetParameter");
        aws.failing(true);
        try {
            Eventually.await(WITHIN, EVERY, "refreshes tried during the outage",
                    () -> aws.calls("AmazonSSM.GetParameter") >= before + 2);
            Eventually.await(WITHIN, EVERY, "the failed refresh logged",
                    () -> registry.log().contains("auth.aws: refresh failed, keeping the users and rules read before"));
            assertEquals(200, login("alice", "alice-secret-1"), "alice still logs in during the outage");
            assertEquals(202, startUpload("alice", "alice-secret-1", "team/outage"), "and her rules still hold");
        } finally {
            aws.failing(false);
        }

        String good = JSON.writeValueAsString(DOCUMENT);
        aws.putParameter(PARAMETER, "{\"users\": {\"alice\": {\"secret\": \"berth/users/alice\"}}, \"acess\": {}}");
        Eventually.await(WITHIN, EVERY, "the broken document reported",
                () -> registry.log().contains("(document).acess: unknown key"));
        assertEquals(202, startUpload("root", "root-secret", "x/broken"), "root, missing from the broken document,"
                + " is still admin");
        assertEquals(202, startUpload("alice", "alice-secret-1", "team/broken"));

        aws.putSecret("berth/users/alice", "alice-secret-3");
        aws.putParameter(PARAMETER, good);
        awaitChange("alice's new password counts once the document is whole again",
                () -> login("alice", "alice-secret-3") == 200);
    }

    @Test
    void theStartFailsClearlyWhenTheFirstReadFails() throws Exception {
        try (RegistryProcess missing = RegistryProcess.start("aws-missing", RegistryProcess.Launch.TEST_CLASSPATH,
                environment("/berth/test/no-such-parameter"), List.of(), null)) {
            assertTrue(missing.awaitExit(Duration.ofSeconds(60)), "the registry should stop at once");
            String log = missing.log();
            assertTrue(log.contains("auth.aws: cannot read the users") && log.contains("ParameterNotFound"), log);
            assertFalse(log.contains("listening on"), log);
        }
    }

    @Test
    void rulesNamingUsersTheParameterDoesNotHoldAreWarnedAbout() throws Exception {
        ArrayNode rules = (ArrayNode) DOCUMENT.get("access").get("rules");
        rule(rules, "typo/**", "users", "alcie", "pull");
        publish();
        Eventually.await(WITHIN, EVERY, "the unknown name warned about",
                () -> registry.log().contains("does not hold: alcie"));
        rules.remove(rules.size() - 1);
        publish();
    }
}
