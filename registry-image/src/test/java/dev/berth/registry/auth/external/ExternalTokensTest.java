package dev.berth.registry.auth.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.Action;
import dev.berth.registry.testing.MovableClock;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.testing.TokenMinter;
import dev.berth.registry.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key sources of {@link ExternalTokens} besides the HTTP tests' x5c and kid: a chain through
 * an intermediate CA, a key from a {@code jwks} file by its {@code kid}, a key embedded in the
 * header ({@code jwk}) that counts only when the bundle holds it; and the access claim's reading.
 */
class ExternalTokensTest {

    private static final String ISSUER = "issuer";
    private static final String SERVICE = "service";

    @TempDir
    static Path dir;

    private static Pki.Pair root;
    private static Pki.Pair bundleKey;
    private static Path bundle;
    private static Path jwks;
    private static ECKey jwksKey;
    private static ExternalTokens tokens;

    @BeforeAll
    static void setUp() throws Exception {
        Pki pki = new Pki(dir);
        root = pki.ca("root", Pki.KeyType.RSA);
        bundleKey = pki.ca("bundle-key", Pki.KeyType.EC);
        bundle = Files.writeString(dir.resolve("bundle.pem"),
                Files.readString(root.certificate()) + Files.readString(bundleKey.certificate()));
        jwksKey = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(Curve.P_256).keyID("jwks-key-1").generate();
        jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(jwksKey.toPublicJWK()).toString());
        tokens = new ExternalTokens(ISSUER, SERVICE, TrustedTokenKeys.load(Optional.of(bundle), Optional.of(jwks)),
                Clock.systemUTC());
    }

    private static JWTClaimsSet pull(String repository) {
        return TokenMinter.claims(ISSUER, SERVICE, Duration.ofMinutes(5),
                Map.of("repository:" + repository, List.of("pull"))).build();
    }

    @Test
    void aChainThroughAnIntermediateToTheBundleIsAccepted() throws Exception {
        Pki pki = new Pki(dir);
        Pki.Pair intermediate = pki.intermediate("intermediate", Pki.KeyType.RSA, root);
        Pki.Pair leaf = pki.issue("leaf", Pki.KeyType.EC, intermediate, "keyUsage=digitalSignature");
        TokenMinter minter = new TokenMinter(leaf.key(), List.of(leaf.certificate(), intermediate.certificate()),
                ISSUER, SERVICE);
        TokenGrants grants = tokens.verify(minter.token(Map.of("repository:a/b", List.of("pull"))));
        assertTrue(grants.allows("a/b", Action.PULL));
        assertFalse(grants.allows("a/b", Action.PUSH));
        TokenMinter withoutIntermediate = new TokenMinter(leaf.key(), List.of(leaf.certificate()), ISSUER, SERVICE);
        InvalidToken refused = assertThrows(InvalidToken.class, () -> tokens.verify(withoutIntermediate.token(Map.of())));
        assertTrue(refused.getMessage().startsWith("the signing certificate does not chain"), refused.getMessage());
    }

    @Test
    void aKidFromTheJwksFileIsAccepted() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("jwks-key-1").build(),
                pull("from/jwks"));
        jwt.sign(new ECDSASigner(jwksKey));
        assertTrue(tokens.verify(jwt.serialize()).allows("from/jwks", Action.PULL));
    }

    @Test
    void anEmbeddedJwkCountsOnlyWhenTheBundleHoldsThatKey() throws Exception {
        ECPrivateKey key = (ECPrivateKey) PemFiles.privateKey(bundleKey.key());
        ECPublicKey publicKey = (ECPublicKey) PemFiles.certificates(bundleKey.certificate()).get(0).getPublicKey();
        SignedJWT trusted = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .jwk(new ECKey.Builder(Curve.P_256, publicKey).build()).build(), pull("embedded/ok"));
        trusted.sign(new ECDSASigner(key));
        assertTrue(tokens.verify(trusted.serialize()).allows("embedded/ok", Action.PULL));

        ECKey own = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(Curve.P_256).generate();
        SignedJWT selfVouched = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).jwk(own.toPublicJWK()).build(),
                pull("embedded/no"));
        selfVouched.sign(new ECDSASigner(own));
        InvalidToken refused = assertThrows(InvalidToken.class, () -> tokens.verify(selfVouched.serialize()));
        assertEquals("the token's jwk is not a key of auth.token's bundle", refused.getMessage());
    }

    @Test
    void aVerifiedTokenIsRememberedOnlyUntilItExpires() throws Exception {
        MovableClock clock = new MovableClock(Instant.now());
        ExternalTokens remembering = new ExternalTokens(ISSUER, SERVICE,
                TrustedTokenKeys.load(Optional.of(bundle), Optional.empty()), clock);
        TokenMinter minter = new TokenMinter(bundleKey.key(), List.of(bundleKey.certificate()), ISSUER, SERVICE);
        String token = minter.sign(TokenMinter.KeyReference.KID, TokenMinter.claims(ISSUER, SERVICE,
                Duration.ofMinutes(2), Map.of("repository:a", List.of("pull"))).build());
        assertTrue(remembering.verify(token).allows("a", Action.PULL));
        assertTrue(remembering.verify(token).allows("a", Action.PULL)); // from memory
        clock.advance(Duration.ofMinutes(2).plus(ExternalTokens.LEEWAY).plusSeconds(1));
        InvalidToken expired = assertThrows(InvalidToken.class, () -> remembering.verify(token));
        assertEquals("the token has expired", expired.getMessage());
    }

    @Test
    void theAccessClaimIsReadStrictly() throws Exception {
        ECPrivateKey key = (ECPrivateKey) PemFiles.privateKey(bundleKey.key());
        String kid = LibtrustKeyId.of(PemFiles.certificates(bundleKey.certificate()).get(0).getPublicKey());
        for (Object access : List.of("everything", List.of("repository:a:pull"), List.of(Map.of("type", "repository")),
                List.of(Map.of("type", "repository", "name", "a", "actions", "pull")))) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                    new JWTClaimsSet.Builder(pull("a")).claim("access", access).build());
            jwt.sign(new ECDSASigner(key));
            assertThrows(InvalidToken.class, () -> tokens.verify(jwt.serialize()), access.toString());
        }
        SignedJWT none = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                new JWTClaimsSet.Builder(pull("a")).claim("access", null).build());
        none.sign(new ECDSASigner(key));
        TokenGrants grants = tokens.verify(none.serialize());
        assertFalse(grants.allows("a", Action.PULL));
        assertEquals(Optional.of("alice"), grants.subject());
    }
}
