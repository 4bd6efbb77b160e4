package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Tokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /token} over real HTTP: GET as the Docker token spec has it and POST as its OAuth2 form,
 * tokens holding only what the access rules grant of what was asked, refresh tokens that
 * re-evaluate the user's rights and stop working when the user is removed, wrong passwords and the
 * password-check limits, and malformed requests answered 400, never 5xx.
 */
class TokenEndpointTest {

    static final String KEY = "a-signing-key-for-tests-only-0123456789";
    static final String PASSWORD = "pw-for-token-tests";

    /** Shared by the bearer tests: users admin, writer, reader, leaver; anonymous may pull public/**. */
    static String config(Path folder, String service) throws java.io.IOException {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 5, "admin", PASSWORD, "writer", PASSWORD,
                "reader", PASSWORD, "leaver", PASSWORD);
        return """
                version: 0.1
                auth:
                  htpasswd:
                    realm: berth
                    path: %s
                  bearer:
                    signingkey: %s
                    service: %s
                    issuer: berth-test-issuer
                  access:
                    admins: [admin]
                    rules:
                      - repositories: [apps/**]
                        users: [writer, leaver]
                        actions: [pull, push]
                      - repositories: [apps/**]
                        users: [reader]
                        actions: [pull]
                      - repositories: [public/**]
                        anonymous: true
                        actions: [pull]
                limits:
                  passwordfailures: 3
                  trustforwardedfor: true
                """.formatted(htpasswd, KEY, service);
    }

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.fromConfig(folder -> config(folder, "berth-test"));

    private static RegistryClient client() {
        return registry.client();
    }

    @Test
    void aTokenHoldsOnlyWhatTheRulesGrantOfWhatWasAsked() {
        RegistryClient.Response answer = Tokens.get(client(), "reader", PASSWORD,
                "repository:apps/web:pull,push", "repository:secret/vault:pull");
        assertEquals(200, answer.status(), answer::toString);
        JsonNode body = answer.json();
        String token = body.path("token").asText();
        assertEquals(token, body.path("access_token").asText());
        assertEquals(300, body.path("expires_in").asLong());
        assertFalse(body.has("refresh_token"), body::toString);
        assertEquals("no-store", answer.requireHeader("Cache-Control"));
        Instant issued = Instant.parse(body.path("issued_at").asText());

        JWTClaimsSet claims = Tokens.claims(token);
        assertEquals("berth-test-issuer", claims.getIssuer());
        assertEquals("reader", claims.getSubject());
        assertEquals(List.of("berth-test"), claims.getAudience());
        assertEquals(issued, claims.getIssueTime().toInstant());
        assertEquals(issued, claims.getNotBeforeTime().toInstant());
        assertEquals(issued.plusSeconds(300), claims.getExpirationTime().toInstant());
        assertFalse(claims.getJWTID().isBlank());
        assertEquals(Map.of("repository:apps/web", List.of("pull"), "repository:secret/vault", List.of()),
                Tokens.access(token));
    }

    @Test
    void writersAdminsAndAnonymousCallersGetTheirOwnGrants() {
        assertEquals(Map.of("repository:apps/web", List.of("pull", "push")), Tokens.access(
                Tokens.fetch(client(), "writer", PASSWORD, "repository:apps/web:pull,push,delete")));
        assertEquals(Map.of("repository:x/y", List.of("pull", "push", "delete"), "registry:catalog", List.of("*")),
                Tokens.access(Tokens.fetch(client(), "admin", PASSWORD, "repository:x/y:*", "registry:catalog:*")));
        String anonymous = Tokens.fetch(client(), null, null, "repository:public/tool:pull,push",
                "repository:apps/web:pull");
        assertEquals("", Tokens.claims(anonymous).getSubject());
        assertEquals(Map.of("repository:public/tool", List.of("pull"), "repository:apps/web", List.of()),
                Tokens.access(anonymous));
    }

    @Test
    void scopesInOneParameterSeparatedBySpacesAndRepeatedResourcesAreMerged() {
        String token = Tokens.fetch(client(), "writer", PASSWORD,
                "repository:apps/a:pull repository:apps/b:push", "repository:apps/a:push", "unknown:thing:x");
        assertEquals(Map.of("repository:apps/a", List.of("pull", "push"), "repository:apps/b", List.of("push")),
                Tokens.access(token));
    }

    @Test
    void aWrongPasswordOrUnknownUserIs401WithTheErrorJsonAndNoToken() {
        for (String user : List.of("reader", "nobody")) {
            RegistryClient.Response answer = client().get("/token?scope=repository:apps/web:pull",
                    "Authorization", Htpasswd.basic(user, "wrong-password"), "X-Forwarded-For", "10.1.0.1");
            assertEquals(401, answer.status(), answer::toString);
            assertEquals("UNAUTHORIZED", answer.json().path("errors").path(0).path("code").asText(), answer::toString);
            assertFalse(answer.text().contains("token\""), answer::toString);
        }
    }

    @Test
    void failedLoginsBeyondTheLimitAreAnswered429() {
        String from = "10.2.0.1";
        for (int i = 0; i < 3; i++) {
            assertEquals(401, client().get("/token", "Authorization", Htpasswd.basic("reader", "guess-" + i),
                    "X-Forwarded-For", from).status());
        }
        // (A password verified a moment ago is remembered and needs no check; a new guess does.)
        RegistryClient.Response refused = client().get("/token", "Authorization", Htpasswd.basic("reader", "guess-3"),
                "X-Forwarded-For", from);
        assertEquals(429, refused.status(), refused::toString);
        assertTrue(refused.header("Retry-After").isPresent(), refused::toString);
        RegistryClient.Response posted = client().post("/token", Tokens.form("grant_type", "password", "username",
                "reader", "password", "guess-4"), "Content-Type", "application/x-www-form-urlencoded",
                "X-Forwarded-For", from);
        assertEquals(429, posted.status(), posted::toString);
        // Another client is not held back.
        assertEquals(200, client().get("/token", "Authorization", Htpasswd.basic("reader", PASSWORD),
                "X-Forwarded-For", "10.2.0.2").status());
    }

    @Test
    void offlineTokenAddsARefreshTokenThatTheApiRefuses() {
        RegistryClient.Response answer = client().get("/token?offline_token=true&service=berth-test&account=writer"
                + "&client_id=test&scope=repository:apps/web:pull", "Authorization", Htpasswd.basic("writer", PASSWORD));
        assertEquals(200, answer.status(), answer::toString);
        String refresh = answer.json().path("refresh_token").asText();
        assertFalse(refresh.isEmpty(), answer::toString);
        JWTClaimsSet claims = Tokens.claims(refresh);
        assertEquals("writer", claims.getSubject());
        assertEquals(Duration.ofDays(30), Duration.between(claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant()));
        RegistryClient.Response api = client().get("/v2/apps/web/tags/list", "Authorization", Tokens.bearer(refresh));
        assertEquals(401, api.status(), api::toString);
        assertTrue(api.requireHeader("WWW-Authenticate").contains("error=\"invalid_token\""), api::toString);
    }

    @Test
    void postWithAPasswordGrantAndThenARefreshGrantEvaluatesTheRightsAtEachRequest() {
        RegistryClient.Response login = post("grant_type", "password", "username", "writer", "password", PASSWORD,
                "client_id", "test", "service", "berth-test", "access_type", "offline",
                "scope", "repository:apps/web:pull");
        assertEquals(200, login.status(), login::toString);
        assertEquals(Map.of("repository:apps/web", List.of("pull")),
                Tokens.access(login.json().path("access_token").asText()));
        String refresh = login.json().path("refresh_token").asText();

        RegistryClient.Response refreshed = post("grant_type", "refresh_token", "refresh_token", refresh,
                "client_id", "test", "service", "berth-test",
                "scope", "repository:apps/other:pull,push repository:secret/vault:pull");
        assertEquals(200, refreshed.status(), refreshed::toString);
        assertFalse(refreshed.json().has("refresh_token"), refreshed::toString);
        String token = refreshed.json().path("access_token").asText();
        assertEquals("writer", Tokens.claims(token).getSubject());
        assertEquals(Map.of("repository:apps/other", List.of("pull", "push"), "repository:secret/vault", List.of()),
                Tokens.access(token));
    }

    @Test
    void aRefreshTokenOfARemovedUserIsRefused() throws Exception {
        RegistryClient.Response login = post("grant_type", "password", "username", "leaver", "password", PASSWORD,
                "client_id", "test", "access_type", "offline");
        assertEquals(200, login.status(), login::toString);
        String refresh = login.json().path("refresh_token").asText();
        assertEquals(200, post("grant_type", "refresh_token", "refresh_token", refresh, "client_id", "test").status());

        // The htpasswd file without leaver (the file is read again when it changes).
        Path file = registry.configFolder().resolve("htpasswd");
        String kept = java.nio.file.Files.readAllLines(file).stream().filter(l -> !l.startsWith("leaver:"))
                .reduce("", (a, b) -> a + b + "\n");
        Thread.sleep(1100); // a modification time the registry can tell apart
        java.nio.file.Files.writeString(file, kept);
        RegistryClient.Response refused = Eventually.awaitValue(Duration.ofSeconds(10), Duration.ofMillis(200),
                () -> "the refresh token of a removed user still works", () -> {
                    RegistryClient.Response answer = post("grant_type", "refresh_token", "refresh_token", refresh,
                            "client_id", "test");
                    return answer.status() == 200 ? null : answer;
                });
        assertEquals(401, refused.status(), refused::toString);
        assertEquals("UNAUTHORIZED", refused.json().path("errors").path(0).path("code").asText());
    }

    @Test
    void malformedTokenRequestsAre4xxWithTheErrorJson() {
        Map<RegistryClient.Response, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put(client().get("/token?scope=nonsense"), 400);
        cases.put(client().get("/token?scope=repository:apps/web"), 400);
        cases.put(client().get("/token?service=someone-else"), 400);
        cases.put(client().get("/token?account=writer", "Authorization", Htpasswd.basic("reader", PASSWORD)), 400);
        cases.put(client().get("/token", "Authorization", "Digest username=x"), 401);
        cases.put(post("grant_type", "client_credentials", "client_id", "x"), 400);
        cases.put(post("grant_type", "password", "username", "writer"), 400);
        cases.put(post("grant_type", "refresh_token"), 400);
        cases.put(post("grant_type", "refresh_token", "refresh_token", "not.a.token"), 401);
        cases.put(post("username", "writer", "password", PASSWORD), 400);
        cases.put(client().post("/token", "grant_type=password".getBytes(), "Content-Type", "application/json"), 400);
        cases.put(client().post("/token", "grant_type=%zz".getBytes(), "Content-Type",
                "application/x-www-form-urlencoded"), 400);
        cases.put(client().put("/token", new byte[0]), 405);
        cases.put(client().raw("GET /token?scope=%zz HTTP/1.1", new byte[0]), 400);
        cases.forEach((answer, status) -> {
            assertEquals(status, answer.status(), answer::toString);
            assertFalse(answer.json().path("errors").path(0).path("code").asText().isEmpty(), answer::toString);
        });
    }

    private static RegistryClient.Response post(String... pairs) {
        return client().post("/token", Tokens.form(pairs), "Content-Type", "application/x-www-form-urlencoded");
    }
}
