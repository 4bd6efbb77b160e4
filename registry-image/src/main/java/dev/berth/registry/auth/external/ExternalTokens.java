package dev.berth.registry.auth.external;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the bearer tokens of an external token server ({@code auth.token}), as registry:2
 * does: a JWS signed with RSA or ECDSA (never {@code none} or an HMAC, which would let a public
 * key serve as the secret) by a key that chains to {@code rootcertbundle} ({@code x5c}) or that
 * the bundle or {@code jwks} names ({@code kid}, or an embedded {@code jwk} with a trusted key
 * ID); issued by {@code issuer} for {@code service}, and current within {@link #LEEWAY}.
 */
public final class ExternalTokens {

    /** Longer tokens are refused unread: a token server's tokens are a few hundred bytes to a few KiB. */
    public static final int MAX_LENGTH = 8192;
    /** Clock skew allowed between the token server and the registry (registry:2 allows a minute). */
    static final Duration LEEWAY = Duration.ofSeconds(60);
    private static final int MAX_CHAIN = 8;
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final String issuer;
    private final String service;
    private final TrustedTokenKeys keys;
    private final Clock clock;
    private final VerifiedTokens verified = new VerifiedTokens();

    /** The key a token is signed with, and until when the certificates that vouch for it are valid. */
    private record Signer(PublicKey key, Instant validUntil) {}

    public ExternalTokens(String issuer, String service, TrustedTokenKeys keys, Clock clock) {
        this.issuer = issuer;
        this.service = service;
        this.keys = keys;
        this.clock = clock;
    }

    /** What the token grants, when it is to be trusted. */
    public TokenGrants verify(String token) throws InvalidToken {
        if (token.length() > MAX_LENGTH) {
            throw new InvalidToken("the token is longer than " + MAX_LENGTH + " bytes");
        }
        Instant now = clock.instant();
        String cacheKey = VerifiedTokens.keyOf(token);
        TokenGrants known = verified.get(cacheKey, now);
        if (known != null) {
            return known;
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidToken("not a signed JSON Web Token", e);
        }
        JWSHeader header = jwt.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new InvalidToken("the token's algorithm " + header.getAlgorithm() + " is not accepted (RS*, PS*, ES* only)");
        }
        Signer signer = signingKey(header, now);
        checkSignature(jwt, signer.key());
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidToken("the token's claims are not valid JSON", e);
        }
        checkClaims(claims, now);
        TokenGrants grants = new TokenGrants(Optional.ofNullable(claims.getSubject()),
                TokenAccessClaim.read(claims.getClaim("access")));
        Instant expires = claims.getExpirationTime().toInstant().plus(LEEWAY);
        verified.put(cacheKey, grants, expires.isBefore(signer.validUntil()) ? expires : signer.validUntil());
        return grants;
    }

    private Signer signingKey(JWSHeader header, Instant now) throws InvalidToken {
        if (header.getX509CertChain() != null) {
            if (header.getX509CertChain().size() > MAX_CHAIN) {
                throw new InvalidToken("the x5c chain is longer than " + MAX_CHAIN + " certificates");
            }
            List<X509Certificate> chain = new ArrayList<>();
            for (com.nimbusds.jose.util.Base64 der : header.getX509CertChain()) {
                X509Certificate certificate = X509CertUtils.parse(der.decode());
                if (certificate == null) {
                    throw new InvalidToken("the x5c header holds something that is not a certificate");
                }
                chain.add(certificate);
            }
            Instant validUntil = chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo)
                    .orElseThrow();
            return new Signer(keys.signerOf(chain, now), validUntil);
        }
        if (header.getJWK() != null) {
            return new Signer(embeddedKey(header.getJWK()), Instant.MAX);
        }
        if (header.getKeyID() != null) {
            return new Signer(keys.byKeyId(header.getKeyID())
                    .orElseThrow(() -> new InvalidToken("the token's kid names no key of auth.token's bundle or jwks")),
                    Instant.MAX);
        }
        throw new InvalidToken("the token's header names no key (x5c, jwk or kid)");
    }

    /** An embedded key counts only when a trusted key has its ID; the trusted key is used, not the embedded one. */
    private PublicKey embeddedKey(JWK jwk) throws InvalidToken {
        try {
            if (!(jwk instanceof AsymmetricJWK asymmetric)) {
                throw new InvalidToken("the token's jwk is not a public key");
            }
            PublicKey embedded = asymmetric.toPublicKey();
            PublicKey trusted = keys.byKeyId(LibtrustKeyId.of(embedded))
                    .orElseThrow(() -> new InvalidToken("the token's jwk is not a key of auth.token's bundle"));
            return trusted;
        } catch (JOSEException e) {
            throw new InvalidToken("the token's jwk cannot be read", e);
        }
    }

    private static void checkSignature(SignedJWT jwt, PublicKey key) throws InvalidToken {
        boolean valid;
        try {
            JWSVerifier verifier = switch (key) {
                case RSAPublicKey rsa -> new RSASSAVerifier(rsa);
                case ECPublicKey ec -> new ECDSAVerifier(ec);
                default -> throw new InvalidToken("the signing key is neither RSA nor EC");
            };
            valid = jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            throw new InvalidToken("the signature cannot be checked with the signing key", e);
        }
        if (!valid) {
            throw new InvalidToken("the signature does not match the signing key");
        }
    }

    private void checkClaims(JWTClaimsSet claims, Instant now) throws InvalidToken {
        if (!issuer.equals(claims.getIssuer())) {
            throw new InvalidToken("the token's issuer is not auth.token.issuer");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(service)) {
            throw new InvalidToken("the token is not for this service (auth.token.service)");
        }
        Date expires = claims.getExpirationTime();
        if (expires == null || now.isAfter(expires.toInstant().plus(LEEWAY))) {
            throw new InvalidToken(expires == null ? "the token has no expiry" : "the token has expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.isBefore(notBefore.toInstant().minus(LEEWAY))) {
            throw new InvalidToken("the token is not valid yet");
        }
    }

    /** The {@code access} claim: a list of {@code {type, name, actions}}; absent means nothing granted. */
    static final class TokenAccessClaim {

        private TokenAccessClaim() {}

        static Map<TokenGrants.Resource, Set<String>> read(Object claim) throws InvalidToken {
            Map<TokenGrants.Resource, Set<String>> access = new HashMap<>();
            if (claim == null) {
                return access;
            }
            if (!(claim instanceof List<?> entries)) {
                throw new InvalidToken("the token's access claim is not a list");
            }
            for (Object entry : entries) {
                if (!(entry instanceof Map<?, ?> map) || !(map.get("type") instanceof String type)
                        || !(map.get("name") instanceof String name)) {
                    throw new InvalidToken("an entry of the token's access claim has no type and name");
                }
                Object actions = map.get("actions");
                Set<String> granted = access.computeIfAbsent(new TokenGrants.Resource(type, name), r -> new HashSet<>());
                if (actions instanceof List<?> list) {
                    for (Object action : list) {
                        if (!(action instanceof String text)) {
                            throw new InvalidToken("an action in the token's access claim is not text");
                        }
                        granted.add(text);
                    }
                } else if (actions != null) {
                    throw new InvalidToken("the actions of an entry of the token's access claim are not a list");
                }
            }
            access.replaceAll((resource, actions) -> Set.copyOf(actions));
            return access;
        }
    }
}
