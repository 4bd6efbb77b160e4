package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.external.LibtrustKeyId;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.config.TokenSettings;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.testing.ReferenceRegistry;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Requirement;
import dev.berth.registry.testing.TokenIssuers;
import dev.berth.registry.testing.TokenMinter;
import dev.berth.registry.testing.TokenMinter.KeyReference;
import dev.berth.registry.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.token} side by side with the reference CNCF Distribution 2.8 ({@code docker-registry})
 * given the same settings and the same tokens: the status and the {@code WWW-Authenticate}
 * challenge of every request must match. Among them, a token naming its key only by {@code kid},
 * which the reference finds by its libtrust key ID: the same ID Berth computes. The one
 * normalisation: the order of a scope's actions, which registry:2 takes from a Go map.
 */
class ExternalTokenComparisonTest {

    private static final String REALM = "https://auth.example/token";
    private static final String SERVICE = "compare-service";
    private static final String ISSUER = "compare-issuer";
    private static final String REPO = "cmp/app";

    @TempDir
    static Path dir;

    private static ReferenceRegistry reference;
    private static RegistryClient referenceClient;
    private static RegistryServer berth;
    private static RegistryClient berthClient;
    private static TokenMinter signer;
    private static TokenMinter leafOnly;
    private static TokenMinter kidSigner;
    private static TokenMinter stranger;
    private static Pki.Pair signerPair;

    @BeforeAll
    static void start() throws Exception {
        Requirement.requireTools("docker-registry", "openssl");
        TokenIssuers issuers = TokenIssuers.create(dir, ISSUER, SERVICE, Pki.KeyType.EC, Pki.KeyType.RSA);
        Path bundle = issuers.bundle();
        signerPair = issuers.signerPair();
        signer = issuers.signer();
        leafOnly = issuers.leafOnly();
        kidSigner = issuers.kidSigner();
        stranger = issuers.stranger();

        reference = ReferenceRegistry.start(dir, """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(REALM, SERVICE, ISSUER, bundle));
        referenceClient = reference.client();
        berth = RegistryServer.start(RegistryConfig.forFilesystem(Files.createDirectory(dir.resolve("berth-data")), true)
                .withToken(new TokenSettings(REALM, SERVICE, ISSUER, Optional.of(bundle), Optional.empty())));
        berthClient = new RegistryClient(berth.baseUri());
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
        if (reference != null) {
            reference.close();
        }
    }

    private record Step(String method, String path, String token) {}

    private static Map<String, Step> steps() {
        Map<String, List<String>> pull = Map.of("repository:" + REPO, List.of("pull"));
        Map<String, List<String>> push = Map.of("repository:" + REPO, List.of("pull", "push"));
        String manifest = "/v2/" + REPO + "/manifests/latest";
        String uploads = "/v2/" + REPO + "/blobs/uploads/";
        Map<String, Step> steps = new LinkedHashMap<>();
        steps.put("base without token", new Step("GET", "/v2/", null));
        steps.put("base with a token granting nothing", new Step("GET", "/v2/", signer.token(Map.of())));
        steps.put("base with garbage", new Step("GET", "/v2/", "garbage"));
        steps.put("manifest without token", new Step("GET", manifest, null));
        steps.put("manifest with pull", new Step("GET", manifest, signer.token(pull)));
        steps.put("manifest with the leaf only in x5c", new Step("GET", manifest, leafOnly.token(pull)));
        steps.put("manifest with kid only", new Step("GET", manifest, kidSigner.sign(KeyReference.KID,
                TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5), pull).build())));
        steps.put("manifest with kid outside the bundle", new Step("GET", manifest, signer.sign(KeyReference.KID,
                TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5), pull).build())));
        steps.put("manifest with another CA", new Step("GET", manifest, stranger.token(pull)));
        steps.put("manifest expired", new Step("GET", manifest, signer.sign(KeyReference.X5C,
                TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(-5), pull).build())));
        steps.put("manifest other audience", new Step("GET", manifest, signer.sign(KeyReference.X5C,
                TokenMinter.claims(ISSUER, "elsewhere", Duration.ofMinutes(5), pull).build())));
        steps.put("manifest other issuer", new Step("GET", manifest, signer.sign(KeyReference.X5C,
                TokenMinter.claims("someone", SERVICE, Duration.ofMinutes(5), pull).build())));
        steps.put("manifest HS256 keyed with the public key", new Step("GET", manifest, hmacWithPublicKey(pull)));
        steps.put("manifest delete with pull", new Step("DELETE", "/v2/" + REPO + "/manifests/sha256:"
                + "3".repeat(64), signer.token(pull)));
        steps.put("upload without token", new Step("POST", uploads, null));
        steps.put("upload with pull", new Step("POST", uploads, signer.token(pull)));
        steps.put("upload with pull and push", new Step("POST", uploads, signer.token(push)));
        steps.put("upload with another repository", new Step("POST", uploads,
                signer.token(Map.of("repository:cmp/other", List.of("pull", "push")))));
        steps.put("catalog without token", new Step("GET", "/v2/_catalog", null));
        steps.put("catalog with pull", new Step("GET", "/v2/_catalog", signer.token(pull)));
        steps.put("catalog with its scope", new Step("GET", "/v2/_catalog",
                signer.token(Map.of("registry:catalog", List.of("*")))));
        return steps;
    }

    private static String hmacWithPublicKey(Map<String, List<String>> access) {
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

    private static String answer(RegistryClient client, Step step) {
        String[] headers = step.token() == null ? new String[0]
                : new String[] {"Authorization", "Bearer " + step.token()};
        RegistryClient.Response response = client.send(step.method(), step.path(),
                step.method().equals("GET") || step.method().equals("DELETE") ? null : Blobs.utf8(""), headers);
        return response.status() + " " + response.header("WWW-Authenticate").map(ExternalTokenComparisonTest::sorted)
                .orElse("(no challenge)");
    }

    /** The scope's actions sorted: registry:2 lists them in Go's map order, which varies from answer to answer. */
    private static String sorted(String challenge) {
        Matcher scope = Pattern.compile("scope=\"([^\"]*):([^\":]*)\"").matcher(challenge);
        if (!scope.find()) {
            return challenge;
        }
        String actions = String.join(",", Arrays.stream(scope.group(2).split(",")).sorted().toList());
        return challenge.substring(0, scope.start()) + "scope=\"" + scope.group(1) + ":" + actions + "\""
                + challenge.substring(scope.end());
    }

    @Test
    void everyAnswerAndChallengeMatchesTheReference() {
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> actual = new LinkedHashMap<>();
        steps().forEach((name, step) -> {
            expected.put(name, answer(referenceClient, step));
            actual.put(name, answer(berthClient, step));
        });
        assertEquals(String.join("\n", expected.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()),
                String.join("\n", actual.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
    }
}
