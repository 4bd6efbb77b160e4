package dev.berth.registry.http;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.config.ConfigLoader;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.access} enforced over real HTTP: each rule kind allows what it grants and denies the
 * rest (403 DENIED for a user, 401 with the Basic challenge for an anonymous caller), on
 * manifests, blobs, uploads, tags, referrers, the catalog and cross-repository mounts. The
 * registry is started from a config.yml, as an operator would write it.
 */
class AccessRulesTest {

    private static final String PASSWORD = "pw-for-tests";

    @TempDir
    static Path folder;

    private static RegistryServer server;
    private static RegistryClient client;
    /** Set up by the admin: an image in each of these repositories. */
    private static final Map<String, Image> IMAGES = new java.util.HashMap<>();

    private record Image(String manifestDigest, String layerDigest, byte[] layer) {}

    @BeforeAll
    static void start() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 5, "admin", PASSWORD, "alice", PASSWORD,
                "bob", PASSWORD, "carol", PASSWORD, "reader", PASSWORD);
        Path config = Files.writeString(folder.resolve("config.yml"), """
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                auth:
                  htpasswd:
                    realm: berth-test
                    path: %s
                  access:
                    admins: [admin]
                    groups:
                      team-a: [alice]
                    rules:
                      - repositories: [team-a/**]
                        groups: [team-a]
                        actions: [pull, push, delete]
                      - repositories: [bob/*]
                        users: [bob]
                        actions: [pull, push]
                      - repositories: [shared/*]
                        authenticated: true
                        actions: [pull]
                      - repositories: [public/**]
                        anonymous: true
                        actions: [pull]
                      - repositories: ["**"]
                        users: [reader]
                        actions: [pull]
                """.formatted(Files.createDirectory(folder.resolve("data")), htpasswd));
        RegistryConfig loaded = new ConfigLoader().load(Optional.of(config), Map.of());
        // The loopback address and a free port of the tests' own settings; the rest as loaded.
        RegistryConfig.Http http = RegistryConfig.forFilesystem(folder, true).http();
        server = RegistryServer.start(new RegistryConfig(http, loaded.storage(), loaded.log(), loaded.htpasswd(),
                loaded.limits(), loaded.access()));
        client = new RegistryClient(server.baseUri());
        for (String repository : List.of("team-a/app", "team-a/deep/app", "bob/app", "shared/base", "public/tool",
                "secret/vault")) {
            IMAGES.put(repository, push("admin", repository, "v1"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- every rule kind ----

    @Test
    void anAdminMayDoEverythingEverywhere() {
        Image image = push("admin", "anywhere/at/all", "t");
        assertEquals(200, as("admin", "GET", "/v2/anywhere/at/all/manifests/t").status());
        assertEquals(202, as("admin", "DELETE", "/v2/anywhere/at/all/manifests/" + image.manifestDigest()).status());
    }

    @Test
    void aGroupRuleLetsItsMembersPushPullAndDeleteAtAnyDepth() {
        Image image = push("alice", "team-a/new/deeper/app", "1.0");
        assertEquals(200, as("alice", "GET", "/v2/team-a/new/deeper/app/manifests/1.0").status());
        assertEquals(202, as("alice", "DELETE", "/v2/team-a/new/deeper/app/blobs/" + image.layerDigest()).status());
        assertDenied(as("alice", "POST", "/v2/bob/app/blobs/uploads/"), "alice", "push", "bob/app");
        assertDenied(as("alice", "GET", "/v2/secret/vault/manifests/v1"), "alice", "pull", "secret/vault");
    }

    @Test
    void aUserRuleWithOneStarCoversOneLevelAndOnlyItsActions() {
        push("bob", "bob/tool", "1");
        assertEquals(200, as("bob", "HEAD", "/v2/bob/tool/manifests/1").status());
        assertDenied(as("bob", "POST", "/v2/bob/tool/nested/blobs/uploads/"), "bob", "push", "bob/tool/nested");
        Image app = IMAGES.get("bob/app");
        assertDenied(as("bob", "DELETE", "/v2/bob/app/manifests/" + app.manifestDigest()), "bob", "delete", "bob/app");
        assertDenied(as("bob", "DELETE", "/v2/bob/app/blobs/" + app.layerDigest()), "bob", "delete", "bob/app");
        assertEquals(200, as("admin", "HEAD", "/v2/bob/app/manifests/" + app.manifestDigest()).status(),
                "the denied delete removed nothing");
    }

    @Test
    void anAuthenticatedRuleGrantsEveryUserAndNobodyAnonymous() {
        Image base = IMAGES.get("shared/base");
        assertArrayEquals(base.layer(), as("carol", "GET", "/v2/shared/base/blobs/" + base.layerDigest()).body());
        assertDenied(as("carol", "PUT", "/v2/shared/base/manifests/v2", new byte[] {'{', '}'}), "carol", "push",
                "shared/base");
        assertChallenged(as(null, "GET", "/v2/shared/base/manifests/v1"));
    }

    @Test
    void anAnonymousRulePullsWithoutCredentialsButPushesNeedThem() {
        Image tool = IMAGES.get("public/tool");
        assertEquals(200, as(null, "GET", "/v2/public/tool/manifests/v1").status());
        assertArrayEquals(tool.layer(), as(null, "GET", "/v2/public/tool/blobs/" + tool.layerDigest()).body());
        // skopeo and podman send empty Basic credentials when they hold none: that is anonymous too.
        assertEquals(200, client.get("/v2/public/tool/manifests/v1", "Authorization", "Basic Og==").status());
        assertChallenged(as(null, "POST", "/v2/public/tool/blobs/uploads/"));
        assertChallenged(as(null, "DELETE", "/v2/public/tool/manifests/" + tool.manifestDigest()));
        // What anyone may do, a user who logged in may do too.
        assertEquals(200, as("carol", "GET", "/v2/public/tool/manifests/v1").status());
    }

    @Test
    void wrongCredentialsAre401EvenWhereAnonymousMayPull() {
        RegistryClient.Response r = client.get("/v2/public/tool/manifests/v1", "Authorization",
                Htpasswd.basic("carol", "wrong"));
        assertEquals(401, r.status(), r::toString);
        assertTrue(r.text().contains("wrong user name or password"), r::text);
    }

    @Test
    void anAnonymousPushIsRefusedBeforeItsBodyIsRead() {
        // No 100 Continue first: the 401 comes before the registry takes in any of the 100 MiB.
        RegistryClient.Response r = client.raw("PUT /v2/public/tool/manifests/v9 HTTP/1.1\r\nContent-Type: "
                + Blobs.OCI_MANIFEST + "\r\nContent-Length: " + (100 << 20) + "\r\nExpect: 100-continue", null);
        assertEquals(401, r.status(), r::toString);
        assertEquals("Basic realm=\"berth-test\"", r.requireHeader("WWW-Authenticate"));
    }

    @Test
    void theVersionCheckStillAsksAnonymousCallersForCredentials() {
        // So that `docker login` verifies the password instead of trusting a 200.
        assertChallenged(as(null, "GET", "/v2/"));
        assertEquals(200, as("reader", "GET", "/v2/").status());
    }

    @Test
    void aReadOnlyUserPullsEverythingAndChangesNothing() {
        Image vault = IMAGES.get("secret/vault");
        assertEquals(200, as("reader", "GET", "/v2/secret/vault/manifests/v1").status());
        assertEquals(200, as("reader", "HEAD", "/v2/secret/vault/blobs/" + vault.layerDigest()).status());
        assertDenied(as("reader", "POST", "/v2/secret/vault/blobs/uploads/"), "reader", "push", "secret/vault");
        assertDenied(as("reader", "DELETE", "/v2/secret/vault/manifests/v1"), "reader", "delete", "secret/vault");
    }

    // ---- what a denied caller learns ----

    @Test
    void aBlobsExistenceDoesNotShowInARepositoryTheCallerCannotRead() {
        Image vault = IMAGES.get("secret/vault");
        RegistryClient.Response present = as("carol", "HEAD", "/v2/secret/vault/blobs/" + vault.layerDigest());
        RegistryClient.Response absent = as("carol", "HEAD", "/v2/secret/vault/blobs/" + Blobs.unknownDigest());
        assertEquals(403, present.status());
        assertEquals(present.status(), absent.status());
        RegistryClient.Response presentGet = as("carol", "GET", "/v2/secret/vault/blobs/" + vault.layerDigest());
        RegistryClient.Response absentGet = as("carol", "GET", "/v2/secret/vault/blobs/" + Blobs.unknownDigest());
        assertEquals(presentGet.text(), absentGet.text());
        assertEquals(401, as(null, "HEAD", "/v2/secret/vault/blobs/" + vault.layerDigest()).status());
        assertEquals(401, as(null, "HEAD", "/v2/secret/vault/blobs/" + Blobs.unknownDigest()).status());
    }

    @Test
    void tagsAndReferrersNeedPull() {
        assertEquals(200, as("carol", "GET", "/v2/shared/base/tags/list").status());
        assertDenied(as("carol", "GET", "/v2/team-a/app/tags/list"), "carol", "pull", "team-a/app");
        String subject = IMAGES.get("team-a/app").manifestDigest();
        assertEquals(200, as("alice", "GET", "/v2/team-a/app/referrers/" + subject).status());
        assertDenied(as("carol", "GET", "/v2/team-a/app/referrers/" + subject), "carol", "pull", "team-a/app");
        assertChallenged(as(null, "GET", "/v2/team-a/app/tags/list"));
    }

    // ---- the catalog ----

    @Test
    void theCatalogListsOnlyWhatTheCallerMayPull() {
        assertEquals(List.of("public/tool", "shared/base"), catalog("carol", ""));
        assertEquals(List.of("public/tool"), catalog(null, ""));
        List<String> alice = catalog("alice", "");
        assertTrue(alice.containsAll(List.of("public/tool", "shared/base", "team-a/app", "team-a/deep/app")), alice::toString);
        assertFalse(alice.contains("secret/vault") || alice.contains("bob/app"), alice::toString);
        assertTrue(catalog("reader", "").containsAll(IMAGES.keySet()));
    }

    @Test
    void catalogPagesAreFilledWithVisibleNamesOnly() {
        RegistryClient.Response first = as("carol", "GET", "/v2/_catalog?n=1");
        assertEquals(List.of("public/tool"), names(first.json()));
        String next = first.requireHeader("Link");
        assertTrue(next.contains("last=public%2Ftool"), next);
        assertEquals(List.of("shared/base"), catalog("carol", "?n=1&last=public/tool"));
        assertFalse(as("carol", "GET", "/v2/_catalog?n=1&last=public/tool").header("Link").isPresent());
    }

    // ---- cross-repository mounts ----

    @Test
    void aMountNeedsPullOnTheSourceAndPushOnTheTarget() {
        Image app = IMAGES.get("team-a/app");
        RegistryClient.Response mounted = as("alice", "POST", "/v2/team-a/copy/blobs/uploads/?mount="
                + app.layerDigest() + "&from=team-a/app");
        assertEquals(201, mounted.status(), mounted::toString);
        assertArrayEquals(app.layer(), as("alice", "GET", "/v2/team-a/copy/blobs/" + app.layerDigest()).body());
        Image base = IMAGES.get("shared/base");
        assertEquals(201, as("bob", "POST", "/v2/bob/base/blobs/uploads/?mount=" + base.layerDigest()
                + "&from=shared/base").status());
        assertDenied(as("reader", "POST", "/v2/bob/stolen/blobs/uploads/?mount=" + base.layerDigest()
                + "&from=shared/base"), "reader", "push", "bob/stolen");
    }

    @Test
    void aMountFromASourceTheCallerCannotReadIsAPlainUploadThatRevealsNothing() {
        Image vault = IMAGES.get("secret/vault");
        RegistryClient.Response present = as("bob", "POST", "/v2/bob/loot/blobs/uploads/?mount="
                + vault.layerDigest() + "&from=secret/vault");
        RegistryClient.Response absent = as("bob", "POST", "/v2/bob/loot/blobs/uploads/?mount="
                + Blobs.unknownDigest() + "&from=secret/vault");
        assertEquals(202, present.status(), present::toString);
        assertEquals(202, absent.status(), absent::toString);
        assertTrue(present.requireHeader("Location").contains("/v2/bob/loot/blobs/uploads/"));
        assertEquals(403, as("bob", "HEAD", "/v2/secret/vault/blobs/" + vault.layerDigest()).status());
        assertEquals(404, as("bob", "HEAD", "/v2/bob/loot/blobs/" + vault.layerDigest()).status(),
                "nothing was mounted");
        // The upload it started is an ordinary one: bob can finish it with the bytes he has.
        byte[] own = Blobs.random(64);
        RegistryClient.Response put = as("bob", "PUT", withQuery(present.requireHeader("Location"), "digest="
                + Blobs.sha256(own)), own);
        assertEquals(201, put.status(), put::toString);
    }

    @Test
    void aMountWithoutFromLooksNowhereSoABlobInAnUnreadableRepositoryNeverShows() {
        Image vault = IMAGES.get("secret/vault");
        RegistryClient.Response mount = as("bob", "POST", "/v2/bob/loot/blobs/uploads/?mount=" + vault.layerDigest());
        RegistryClient.Response unknown = as("bob", "POST", "/v2/bob/loot/blobs/uploads/?mount="
                + Blobs.unknownDigest());
        assertEquals(202, mount.status(), mount::toString);
        assertEquals(202, unknown.status(), "the same answer as for a blob that exists nowhere");
        assertEquals(404, as("bob", "HEAD", "/v2/bob/loot/blobs/" + vault.layerDigest()).status(),
                "nothing was mounted");
    }

    // ---- helpers ----

    private static List<String> catalog(String user, String query) {
        RegistryClient.Response r = as(user, "GET", "/v2/_catalog" + query);
        assertEquals(200, r.status(), r::toString);
        return names(r.json());
    }

    private static List<String> names(JsonNode catalog) {
        List<String> names = new ArrayList<>();
        catalog.path("repositories").forEach(n -> names.add(n.asText()));
        return names;
    }

    private static void assertDenied(RegistryClient.Response r, String user, String action, String repository) {
        assertEquals(403, r.status(), r::toString);
        assertEquals("DENIED", r.json().path("errors").path(0).path("code").asText(), r::toString);
        assertEquals("user " + user + " may not " + action + " repository " + repository,
                r.json().path("errors").path(0).path("detail").asText());
    }

    private static void assertChallenged(RegistryClient.Response r) {
        assertEquals(401, r.status(), r::toString);
        assertEquals("Basic realm=\"berth-test\"", r.requireHeader("WWW-Authenticate"));
    }

    /** A request as {@code user} ({@code null}: anonymous). */
    private static RegistryClient.Response as(String user, String method, String path) {
        return as(user, method, path, null);
    }

    private static RegistryClient.Response as(String user, String method, String path, byte[] body) {
        String[] headers = user == null ? new String[0]
                : new String[] {"Authorization", Htpasswd.basic(user, PASSWORD)};
        return client.send(method, path, body, headers);
    }

    /** Pushes a one-layer image as {@code user}, which must be allowed to. */
    private static Image push(String user, String repository, String tag) {
        byte[] layer = Blobs.random(300);
        String layerDigest = pushBlob(user, repository, layer);
        byte[] config = Blobs.config();
        String configDigest = pushBlob(user, repository, config);
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, layerDigest, Integer.toString(layer.length));
        RegistryClient.Response r = client.send("PUT", "/v2/" + repository + "/manifests/" + tag, manifest,
                "Authorization", Htpasswd.basic(user, PASSWORD), "Content-Type", Blobs.OCI_MANIFEST);
        assertEquals(201, r.status(), r::toString);
        return new Image(r.requireHeader("Docker-Content-Digest"), layerDigest, layer);
    }

    private static String pushBlob(String user, String repository, byte[] content) {
        RegistryClient.Response start = as(user, "POST", "/v2/" + repository + "/blobs/uploads/");
        assertEquals(202, start.status(), start::toString);
        String digest = Blobs.sha256(content);
        RegistryClient.Response put = as(user, "PUT", withQuery(start.requireHeader("Location"), "digest=" + digest),
                content);
        assertEquals(201, put.status(), put::toString);
        return digest;
    }
}
