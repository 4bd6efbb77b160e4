package dev.berth.registry.http;

import static dev.berth.registry.http.TokenEndpointTest.PASSWORD;
import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Tokens;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API with {@code auth.bearer}: every refusal is a 401 with a Bearer challenge naming the scope
 * the route needs (as registry:2 with a token server answers), a token lets its holder do what it
 * grants and the rules allow, a token short of a scope is sent back for a new one, a user the
 * rules deny gets 403, the catalog wants {@code registry:catalog:*}, and Basic credentials keep
 * working.
 */
class BearerTokenAccessTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.fromConfig(
            folder -> TokenEndpointTest.config(folder, "berth-api"));

    private static String realm;

    @BeforeAll
    static void pushImages() {
        realm = "http://" + registry.client().base().getAuthority() + "/token";
        String token = Tokens.fetch(client(), "admin", PASSWORD, "repository:apps/web:pull,push",
                "repository:public/tool:pull,push", "repository:secret/vault:pull,push");
        for (String repository : List.of("apps/web", "public/tool", "secret/vault")) {
            push(token, repository, "v1");
        }
    }

    private static RegistryClient client() {
        return registry.client();
    }

    private static String challenge(String scope) {
        return "Bearer realm=\"" + realm + "\",service=\"berth-api\"" + (scope == null ? "" : ",scope=\"" + scope + "\"");
    }

    @Test
    void withoutCredentialsEachRouteIsRefusedWithTheScopeItNeeds() {
        record Case(String method, String path, String scope) {}
        List<Case> cases = List.of(
                new Case("GET", "/v2/", null),
                new Case("GET", "/v2/apps/web/manifests/v1", "repository:apps/web:pull"),
                new Case("HEAD", "/v2/apps/web/blobs/" + Blobs.unknownDigest(), "repository:apps/web:pull"),
                new Case("GET", "/v2/apps/web/tags/list", "repository:apps/web:pull"),
                new Case("POST", "/v2/apps/web/blobs/uploads/", "repository:apps/web:pull,push"),
                new Case("PUT", "/v2/apps/web/manifests/v2", "repository:apps/web:pull,push"),
                new Case("DELETE", "/v2/apps/web/manifests/v1", "repository:apps/web:delete"),
                new Case("POST", "/v2/public/tool/blobs/uploads/", "repository:public/tool:pull,push"));
        for (Case c : cases) {
            RegistryClient.Response answer = client().send(c.method(), c.path(), null);
            assertEquals(401, answer.status(), () -> c + " " + answer);
            assertEquals(challenge(c.scope()), answer.requireHeader("WWW-Authenticate"), c::toString);
            if (!c.method().equals("HEAD")) {
                assertEquals("UNAUTHORIZED", answer.json().path("errors").path(0).path("code").asText());
            }
        }
    }

    @Test
    void theRealmFollowsTheForwardedSchemeWhenForwardedHeadersAreTrusted() {
        RegistryClient.Response answer = client().get("/v2/", "X-Forwarded-Proto", "https");
        assertEquals(401, answer.status());
        assertTrue(answer.requireHeader("WWW-Authenticate").startsWith(
                "Bearer realm=\"https://" + client().base().getAuthority() + "/token\""), answer::toString);
    }

    @Test
    void anonymousCallersPullWhatTheRulesGrantAnyone() {
        assertEquals(200, client().get("/v2/public/tool/manifests/v1").status());
        String token = Tokens.fetch(client(), null, null, "repository:public/tool:pull");
        assertEquals(200, client().get("/v2/public/tool/manifests/v1", "Authorization", Tokens.bearer(token)).status());
        RegistryClient.Response push = client().post("/v2/public/tool/blobs/uploads/", null,
                "Authorization", Tokens.bearer(token));
        assertEquals(401, push.status(), push::toString);
        assertTrue(push.requireHeader("WWW-Authenticate").contains("scope=\"repository:public/tool:pull,push\""));
    }

    @Test
    void aTokenWithTheScopeOpensTheApiAndTheBaseCheck() {
        String token = Tokens.fetch(client(), "writer", PASSWORD, "repository:apps/web:pull,push");
        String bearer = Tokens.bearer(token);
        assertEquals(200, client().get("/v2/", "Authorization", bearer).status());
        assertEquals(200, client().get("/v2/apps/web/manifests/v1", "Authorization", bearer).status());
        assertEquals(200, client().get("/v2/apps/web/tags/list", "Authorization", bearer).status());
        push(token, "apps/web", "by-writer");
    }

    @Test
    void aTokenShortOfTheScopeIsSentBackForANewOne() {
        String pullOnly = Tokens.fetch(client(), "writer", PASSWORD, "repository:apps/web:pull");
        RegistryClient.Response push = client().post("/v2/apps/web/blobs/uploads/", null,
                "Authorization", Tokens.bearer(pullOnly));
        assertEquals(401, push.status(), push::toString);
        assertEquals(challenge("repository:apps/web:pull,push") + ",error=\"insufficient_scope\"",
                push.requireHeader("WWW-Authenticate"));
        RegistryClient.Response elsewhere = client().get("/v2/apps/other/tags/list", "Authorization",
                Tokens.bearer(pullOnly));
        assertEquals(401, elsewhere.status(), elsewhere::toString);
    }

    @Test
    void aUserTheRulesDenyGets403EvenWithAToken() {
        String token = Tokens.fetch(client(), "reader", PASSWORD, "repository:apps/web:pull,push",
                "repository:secret/vault:pull");
        assertEquals(200, client().get("/v2/apps/web/manifests/v1", "Authorization", Tokens.bearer(token)).status());
        for (RegistryClient.Response denied : List.of(
                client().post("/v2/apps/web/blobs/uploads/", null, "Authorization", Tokens.bearer(token)),
                client().get("/v2/secret/vault/manifests/v1", "Authorization", Tokens.bearer(token)))) {
            assertEquals(403, denied.status(), denied::toString);
            assertEquals("DENIED", denied.json().path("errors").path(0).path("code").asText());
        }
    }

    @Test
    void theCatalogNeedsTheCatalogScopeAndListsWhatTheUserMayPull() {
        String withoutCatalog = Tokens.fetch(client(), "reader", PASSWORD, "repository:apps/web:pull");
        RegistryClient.Response refused = client().get("/v2/_catalog", "Authorization",
                Tokens.bearer(withoutCatalog));
        assertEquals(401, refused.status(), refused::toString);
        assertEquals(challenge("registry:catalog:*") + ",error=\"insufficient_scope\"",
                refused.requireHeader("WWW-Authenticate"));

        String catalog = Tokens.fetch(client(), "reader", PASSWORD, "registry:catalog:*");
        // reader may pull apps/** and, as everyone, public/**
        assertEquals(List.of("apps/web", "public/tool"), repositories(client().get("/v2/_catalog", "Authorization",
                Tokens.bearer(catalog))));
        String admin = Tokens.fetch(client(), "admin", PASSWORD, "registry:catalog:*");
        assertEquals(List.of("apps/web", "public/tool", "secret/vault"), repositories(client().get("/v2/_catalog",
                "Authorization", Tokens.bearer(admin))));
        String anonymous = Tokens.fetch(client(), null, null, "registry:catalog:*");
        assertEquals(List.of("public/tool"), repositories(client().get("/v2/_catalog", "Authorization",
                Tokens.bearer(anonymous))));
    }

    @Test
    void basicCredentialsKeepWorkingWithTheSameRules() {
        String reader = Htpasswd.basic("reader", PASSWORD);
        assertEquals(200, client().get("/v2/", "Authorization", reader).status());
        assertEquals(200, client().get("/v2/apps/web/manifests/v1", "Authorization", reader).status());
        assertEquals(403, client().post("/v2/apps/web/blobs/uploads/", null, "Authorization", reader).status());
        RegistryClient.Response wrong = client().get("/v2/apps/web/manifests/v1", "Authorization",
                Htpasswd.basic("reader", "wrong"));
        assertEquals(401, wrong.status());
        assertEquals(challenge("repository:apps/web:pull"), wrong.requireHeader("WWW-Authenticate"));
    }

    private static List<String> repositories(RegistryClient.Response answer) {
        assertEquals(200, answer.status(), answer::toString);
        List<String> names = new ArrayList<>();
        for (JsonNode name : answer.json().path("repositories")) {
            names.add(name.asText());
        }
        assertFalse(names.isEmpty(), answer::toString);
        return names;
    }

    /** Pushes a one-layer image with a token that must allow it. */
    private static void push(String token, String repository, String tag) {
        String bearer = Tokens.bearer(token);
        byte[] layer = Blobs.random(300);
        String layerDigest = pushBlob(bearer, repository, layer);
        byte[] config = Blobs.config();
        String configDigest = pushBlob(bearer, repository, config);
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, layerDigest, Integer.toString(layer.length));
        RegistryClient.Response put = client().put("/v2/" + repository + "/manifests/" + tag, manifest,
                "Authorization", bearer, "Content-Type", Blobs.OCI_MANIFEST);
        assertEquals(201, put.status(), put::toString);
    }

    private static String pushBlob(String bearer, String repository, byte[] content) {
        RegistryClient.Response start = client().post("/v2/" + repository + "/blobs/uploads/", null,
                "Authorization", bearer);
        assertEquals(202, start.status(), start::toString);
        String digest = Blobs.sha256(content);
        RegistryClient.Response put = client().put(withQuery(start.requireHeader("Location"), "digest=" + digest),
                content, "Authorization", bearer);
        assertEquals(201, put.status(), put::toString);
        return digest;
    }
}
