package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One access line per request, in JSON (the default when the output is no terminal, as in a
 * container) or text: route pattern, repository, status, bytes, duration, user, client and
 * request id, and never a password, credentials header, token or signed upload state.
 */
class AccessLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "s3cret-PASSWORD-7";
    private static final String WRONG_PASSWORD = "wrong-PASSWORD-8";
    private static final String BEARER = "BEARER-SECRET-456";
    private static final String QUERY_TOKEN = "TOKEN-SECRET-123";
    private static final String REPO = "app/team";

    private Path folder;
    private RegistryProcess registry;

    @BeforeEach
    void folder() throws IOException {
        folder = Files.createTempDirectory("berth-accesslog-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (registry != null) {
            registry.close();
        }
        RunningRegistry.deleteTree(folder);
    }

    private RegistryClient start(Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(settings);
        env.put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", folder.resolve("data").toString());
        env.put("REGISTRY_HTTP_SECRET", "access-log-test");
        env.put("REGISTRY_AUTH_HTPASSWD_REALM", "berth");
        env.put("REGISTRY_AUTH_HTPASSWD_PATH", Htpasswd.write(folder.resolve("htpasswd"), 4, "alice", PASSWORD)
                .toString());
        registry = RegistryProcess.start("accesslog", RegistryProcess.Launch.TEST_CLASSPATH, env, List.of(), null)
                .awaitReady("/healthz");
        return new RegistryClient(registry.base());
    }

    /** The requests of both formats; returns the signed upload state the log must not show. */
    private String requests(RegistryClient client) {
        String alice = Htpasswd.basic("alice", PASSWORD);
        RegistryClient.Response missing = client.get("/v2/" + REPO + "/manifests/latest", "Authorization", alice,
                "X-Request-Id", "req-manifest-1");
        assertEquals(404, missing.status(), missing::toString);
        assertEquals("req-manifest-1", missing.requireHeader("X-Request-Id"), "the given id is echoed");

        assertEquals(401, client.get("/v2/", "Authorization", Htpasswd.basic("alice", WRONG_PASSWORD),
                "X-Request-Id", "req-wrong-password").status());
        assertEquals(401, client.get("/v2/" + REPO + "/tags/list?token=" + QUERY_TOKEN + "&password=" + PASSWORD,
                "Authorization", "Bearer " + BEARER, "X-Request-Id", "req-bearer").status());

        RegistryClient.Response started = client.post("/v2/" + REPO + "/blobs/uploads/", null, "Authorization", alice,
                "X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678;Sampled=1");
        assertEquals(202, started.status(), started::toString);
        String location = started.requireHeader("Location");
        RegistryClient.Response patched = client.patch(RegistryClient.relative(location), new byte[1000],
                "Authorization", alice, "Content-Type", "application/octet-stream", "X-Request-Id", "req-patch");
        assertEquals(202, patched.status(), patched::toString);

        RegistryClient.Response generated = client.get("/v2/", "Authorization", alice);
        assertTrue(generated.requireHeader("X-Request-Id").matches("[0-9a-f-]{36}"), "an id is made when none is given");
        RegistryClient.Response forged = client.get("/v2/", "Authorization", alice, "X-Request-Id", "a\" b=c");
        assertFalse(forged.requireHeader("X-Request-Id").contains("\""), "an id that could forge a field is replaced");
        Matcher state = Pattern.compile("_state=([^&]+)").matcher(location);
        assertTrue(state.find(), location);
        return state.group(1);
    }

    private String awaitLine(String id) {
        return Eventually.awaitValue(Duration.ofSeconds(10), Duration.ofMillis(50), () -> "a line for " + id + ":\n"
                + registry.log(), () -> registry.log().lines().filter(l -> l.contains(id)).findFirst().orElse(null));
    }

    private void assertNoSecrets(String state) {
        String log = registry.log();
        for (String secret : List.of(PASSWORD, WRONG_PASSWORD, BEARER, QUERY_TOKEN, state,
                Htpasswd.basic("alice", PASSWORD).substring(6), Htpasswd.basic("alice", WRONG_PASSWORD).substring(6))) {
            assertFalse(log.contains(secret), () -> "the log shows a secret (" + secret + "):\n" + log);
        }
    }

    @Test
    void jsonLinesByDefaultWhenTheOutputIsNoTerminal() throws Exception {
        RegistryClient client = start(Map.of());
        String state = requests(client);

        JsonNode manifest = JSON.readTree(awaitLine("req-manifest-1"));
        assertEquals("response completed", manifest.path("msg").asText());
        assertEquals("access", manifest.path("logger").asText());
        assertEquals("info", manifest.path("level").asText());
        assertEquals("GET", manifest.path("http.request.method").asText());
        assertEquals("/v2/{name}/manifests/{reference}", manifest.path("http.request.route").asText());
        assertEquals(REPO, manifest.path("vars.name").asText());
        assertEquals(404, manifest.path("http.response.status").asInt());
        assertEquals("alice", manifest.path("auth.user.name").asText());
        assertEquals("127.0.0.1", manifest.path("http.request.remoteaddr").asText());
        assertTrue(manifest.path("http.response.written").asLong() > 0, manifest::toString);
        assertTrue(manifest.path("http.response.duration_ms").isNumber(), manifest::toString);
        assertTrue(manifest.path("time").asText().endsWith("Z"), manifest::toString);

        JsonNode wrong = JSON.readTree(awaitLine("req-wrong-password"));
        assertEquals(401, wrong.path("http.response.status").asInt());
        assertEquals("-", wrong.path("auth.user.name").asText(), "no user for refused credentials");

        JsonNode bearer = JSON.readTree(awaitLine("req-bearer"));
        assertEquals("/v2/{name}/tags/list", bearer.path("http.request.route").asText());

        JsonNode upload = JSON.readTree(awaitLine("Root=1-67891233-abcdef012345678912345678"));
        assertEquals("/v2/{name}/blobs/uploads/{uuid}", upload.path("http.request.route").asText());
        assertEquals(202, upload.path("http.response.status").asInt());

        JsonNode patch = JSON.readTree(awaitLine("req-patch"));
        assertEquals("PATCH", patch.path("http.request.method").asText());
        assertEquals(1000, patch.path("http.request.read").asLong(), "bytes in");

        for (String line : registry.log().lines().toList()) {
            assertTrue(line.startsWith("{") && JSON.readTree(line).isObject(), () -> "not a JSON line: " + line);
        }
        assertNoSecrets(state);
    }

    @Test
    void textLinesWithLogFormatterText() throws Exception {
        RegistryClient client = start(Map.of("REGISTRY_LOG_FORMATTER", "text"));
        String state = requests(client);

        String manifest = awaitLine("http.request.id=req-manifest-1");
        assertTrue(manifest.contains(" INFO  access: response completed "), manifest);
        for (String field : List.of("http.request.method=GET", "http.request.route=/v2/{name}/manifests/{reference}",
                "vars.name=" + REPO, "http.response.status=404", "auth.user.name=alice",
                "http.request.remoteaddr=127.0.0.1")) {
            assertTrue(manifest.contains(" " + field), () -> field + " missing: " + manifest);
        }
        assertTrue(awaitLine("http.request.id=req-patch").contains(" http.request.read=1000 "));
        assertTrue(registry.log().contains("Berth registry listening on"), registry::log);
        assertFalse(registry.log().contains("{\"time\""), "no JSON lines with log.formatter: text");
        assertNoSecrets(state);
    }

    @Test
    void noAccessLinesWithAccessLogDisabled() throws Exception {
        RegistryClient client = start(Map.of("REGISTRY_LOG_ACCESSLOG_DISABLED", "true"));
        assertEquals(200, client.get("/v2/", "Authorization", Htpasswd.basic("alice", PASSWORD),
                "X-Request-Id", "req-unlogged").status());
        Optional<String> line = Optional.empty();
        Thread.sleep(500); // the line would follow the answer within milliseconds
        line = registry.log().lines().filter(l -> l.contains("req-unlogged")).findFirst();
        assertTrue(line.isEmpty(), () -> "logged anyway: " + registry.log());
        assertTrue(registry.log().contains("Berth registry listening on"), "the other lines stay");
    }
}
