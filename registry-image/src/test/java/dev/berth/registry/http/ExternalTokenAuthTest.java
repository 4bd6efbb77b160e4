package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.external.LibtrustKeyId;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.config.TokenSettings;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.TokenIssuers;
import dev.berth.registry.testing.TokenMinter;
import dev.berth.registry.testing.TokenMinter.KeyReference;
import dev.berth.registry.tls.PemFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.token} over real HTTP: tokens as an external token server signs them (keys and
 * certificates made by openssl), accepted only when they chain to the bundle or name a bundle
 * key, are current, are for this service from this issuer, and grant the route's scope; every
 * other request is answered 401 with a challenge naming the scope to ask for.
 */
class ExternalTokenAuthTest {

    private static final String REALM = "https://auth.example/token";
    private static final String SERVICE = "berth-test";
    private static final String ISSUER = "test-issuer";
    private static final String REPO = "team/app";

    @TempDir
    static Path dir;

    private static RegistryServer server;
    private static RegistryClient client;
    private static TokenMinter signer;
    private static TokenMinter kidSigner;
    private static TokenMinter strangerSigner;
    private static Pki.Pair signerPair;

    @BeforeAll
    static void start() throws Exception {
        TokenIssuers issuers = TokenIssuers.create(dir, ISSUER, SERVICE, Pki.KeyType.RSA, Pki.KeyType.EC);
        Path bundle = issuers.bundle();
        signerPair = issuers.signerPair();
        signer = issuers.signer();
        kidSigner = issuers.kidSigner();
        strangerSigner = issuers.stranger();
        RegistryConfig config = RegistryConfig.forFilesystem(Files.createDirectory(dir.resolve("data")), true)
                .withToken(new TokenSettings(REALM, SERVICE, ISSUER, Optional.of(bundle), Optional.empty()));
        server = RegistryServer.start(config);
        client = new RegistryClient(server.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    private static String challenge(String scope, String error) {
        return "Bearer realm=\"" + REALM + "\",service=\"" + SERVICE + "\""
                + (scope == null ? "" : ",scope=\"" + scope + "\"") + (error == null ? "" : ",error=\"" + error + "\"");
    }

    private static void assertChallenge(RegistryClient.Response response, String scope, String error) {
        assertError(response, 401, "UNAUTHORIZED");
        assertEquals(challenge(scope, error), response.requireHeader("WWW-Authenticate"), response::toString);
    }

    @Test
    void withoutATokenEachRouteNamesTheScopeItNeeds() {
        assertChallenge(client.get("/v2/"), null, null);
        assertChallenge(client.get("/v2/" + REPO + "/manifests/latest"), "repository:" + REPO + ":pull", null);
        RegistryClient.Response head = client.head("/v2/" + REPO + "/blobs/sha256:" + "0".repeat(64));
        assertEquals(401, head.status()); // a HEAD answer has no body to hold the error JSON
        assertEquals(challenge("repository:" + REPO + ":pull", null), head.requireHeader("WWW-Authenticate"));
        assertChallenge(client.get("/v2/" + REPO + "/tags/list"), "repository:" + REPO + ":pull", null);
        assertChallenge(client.post("/v2/" + REPO + "/blobs/uploads/", new byte[0]),
                "repository:" + REPO + ":pull,push", null);
        assertChallenge(client.put("/v2/" + REPO + "/manifests/v1", "{}".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/vnd.oci.image.manifest.v1+json"), "repository:" + REPO + ":pull,push", null);
        assertChallenge(client.delete("/v2/" + REPO + "/manifests/sha256:" + "1".repeat(64)),
                "repository:" + REPO + ":delete", null);
        assertChallenge(client.get("/v2/_catalog"), "registry:catalog:*", null);
        assertEquals(200, client.get("/healthz").status());
    }

    @Test
    void aTokenGrantingPullAndPushPushesAndPullsABlob() {
        String repo = RunningRegistry.newRepository("token-push");
        String token = signer.token(Map.of("repository:" + repo, List.of("pull", "push")));
        byte[] content = Blobs.random(5000);
        String digest = Blobs.sha256(content);
        RegistryClient.Response started = client.post("/v2/" + repo + "/blobs/uploads/", new byte[0], bearer(token));
        assertEquals(202, started.status(), started::toString);
        RegistryClient.Response put = client.put(RegistryClient.withQuery(started.requireHeader("Location"),
                "digest=" + digest), content, "Content-Type", "application/octet-stream", "Authorization",
                "Bearer " + token);
        assertEquals(201, put.status(), put::toString);
        String pullOnly = signer.token(Map.of("repository:" + repo, List.of("pull")));
        RegistryClient.Response pulled = client.get("/v2/" + repo + "/blobs/" + digest, bearer(pullOnly));
        assertEquals(200, pulled.status(), pulled::toString);
        assertArrayEquals(content, pulled.body());
        assertEquals(200, client.get("/v2/", bearer(pullOnly)).status());
    }

    @Test
    void aTokenWithoutTheRouteScopeIsAskedToFetchOneThatHasIt() {
        String repo = RunningRegistry.newRepository("token-scope");
        String pullOnly = signer.token(Map.of("repository:" + repo, List.of("pull")));
        assertChallenge(client.post("/v2/" + repo + "/blobs/uploads/", new byte[0], bearer(pullOnly)),
                "repository:" + repo + ":pull,push", "insufficient_scope");
        // push without pull is not enough for an upload either (registry:2 asks for both)
        String pushOnly = signer.token(Map.of("repository:" + repo, List.of("push")));
        assertChallenge(client.post("/v2/" + repo + "/blobs/uploads/", new byte[0], bearer(pushOnly)),
                "repository:" + repo + ":pull,push", "insufficient_scope");
        assertChallenge(client.delete("/v2/" + repo + "/manifests/sha256:" + "2".repeat(64), bearer(pullOnly)),
                "repository:" + repo + ":delete", "insufficient_scope");
        String otherRepo = signer.token(Map.of("repository:other/app", List.of("pull", "push")));
        assertChallenge(client.get("/v2/" + repo + "/tags/list", bearer(otherRepo)),
                "repository:" + repo + ":pull", "insufficient_scope");
        assertChallenge(client.get("/v2/_catalog", bearer(pullOnly)), "registry:catalog:*", "insufficient_scope");
    }

    @Test
    void theCatalogScopeListsEveryRepositoryAndAStarGrantsEveryAction() {
        String repo = RunningRegistry.newRepository("token-catalog");
        String all = signer.token(Map.of("repository:" + repo, List.of("*")));
        byte[] config = Blobs.utf8("{}");
        RegistryClient.Response pushed = client.post("/v2/" + repo + "/blobs/uploads/?digest=" + Blobs.sha256(config),
                config, "Content-Type", "application/octet-stream", "Authorization", "Bearer " + all);
        assertEquals(201, pushed.status(), pushed::toString);
        byte[] manifest = Blobs.utf8("{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":"
                + "{\"mediaType\":\"" + Blobs.OCI_CONFIG + "\",\"digest\":\"" + Blobs.sha256(config) + "\",\"size\":2},"
                + "\"layers\":[]}");
        RegistryClient.Response tagged = client.put("/v2/" + repo + "/manifests/v1", manifest,
                "Content-Type", Blobs.OCI_MANIFEST, "Authorization", "Bearer " + all);
        assertEquals(201, tagged.status(), tagged::toString);
        assertEquals(202, client.delete("/v2/" + repo + "/manifests/" + tagged.requireHeader("Docker-Content-Digest"),
                bearer(all)).status());
        RegistryClient.Response catalog = client.get("/v2/_catalog?n=1000",
                bearer(signer.token(Map.of("registry:catalog", List.of("*")))));
        assertEquals(200, catalog.status(), catalog::toString);
        List<String> names = new java.util.ArrayList<>();
        catalog.json().path("repositories").forEach(n -> names.add(n.asText()));
        assertTrue(names.contains(repo), catalog::toString);
    }

    @Test
    void aKidNamingABundleKeyIsAccepted() {
        String repo = RunningRegistry.newRepository("token-kid");
        JWTClaimsSet claims = TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5),
                Map.of("repository:" + repo, List.of("pull"))).build();
        RegistryClient.Response response = client.get("/v2/" + repo + "/tags/list",
                bearer(kidSigner.sign(KeyReference.KID, claims)));
        assertError(response, 404, "NAME_UNKNOWN"); // past authentication: the repository does not exist
        // a kid naming a key outside the bundle (the x5c signer's own key, whose CA is in it): refused
        assertChallenge(client.get("/v2/" + repo + "/tags/list", bearer(signer.sign(KeyReference.KID, claims))),
                "repository:" + repo + ":pull", "invalid_token");
    }

    @Test
    void untrustedExpiredOrMisaddressedTokensAreRefused() {
        String repo = RunningRegistry.newRepository("token-bad");
        Map<String, List<String>> pull = Map.of("repository:" + repo, List.of("pull"));
        String scope = "repository:" + repo + ":pull";
        String path = "/v2/" + repo + "/tags/list";
        List<String> refused = List.of(
                strangerSigner.token(pull), // chains to another CA
                signer.sign(KeyReference.X5C, TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(-5), pull).build()),
                signer.sign(KeyReference.X5C, TokenMinter.claims("someone-else", SERVICE, Duration.ofMinutes(5), pull).build()),
                signer.sign(KeyReference.X5C, TokenMinter.claims(ISSUER, "other-service", Duration.ofMinutes(5), pull).build()),
                signer.sign(KeyReference.X5C, TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5), pull)
                        .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build()),
                signer.sign(KeyReference.X5C, TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5), pull)
                        .expirationTime(null).build()),
                unsigned(pull),
                hmacWithThePublicKey(pull),
                tampered(signer.token(pull)),
                "not.a.token",
                "x".repeat(9000));
        for (String token : refused) {
            assertChallenge(client.get(path, bearer(token)), scope, "invalid_token");
            assertChallenge(client.get("/v2/", bearer(token)), null, "invalid_token");
        }
        assertChallenge(client.get(path, "Authorization", "Basic YWxpY2U6c2VjcmV0"), scope, "invalid_token");
    }

    @Test
    void aLittleClockSkewIsTolerated() {
        String repo = RunningRegistry.newRepository("token-skew");
        Map<String, List<String>> pull = Map.of("repository:" + repo, List.of("pull"));
        String expiredJustNow = signer.sign(KeyReference.X5C,
                TokenMinter.claims(ISSUER, SERVICE, Duration.ofSeconds(-20), pull).build());
        String validInAMoment = signer.sign(KeyReference.X5C, TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5),
                pull).notBeforeTime(Date.from(Instant.now().plusSeconds(20))).build());
        for (String token : List.of(expiredJustNow, validInAMoment)) {
            assertError(client.get("/v2/" + repo + "/tags/list", bearer(token)), 404, "NAME_UNKNOWN");
        }
    }

    /** {@code alg: none}, no signature. */
    private static String unsigned(Map<String, List<String>> access) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String payload = TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5), access).build().toString();
        return url.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + url.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** Key confusion: HS256 keyed with the trusted signer's public key, which anyone can read from the bundle. */
    private static String hmacWithThePublicKey(Map<String, List<String>> access) {
        try {
            var key = PemFiles.certificates(signerPair.certificate()).get(0).getPublicKey();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(LibtrustKeyId.of(key)).build(),
                    TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5), access).build());
            jwt.sign(new MACSigner(key.getEncoded()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid token whose payload was changed after signing (a wider grant). */
    private static String tampered(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"pull\"", "\"pull\",\"push\",\"delete\"");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }
}
