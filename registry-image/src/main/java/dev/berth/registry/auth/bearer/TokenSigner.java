package dev.berth.registry.auth.bearer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Signs the tokens of the token endpoint with HMAC-SHA256: access tokens in the registry token
 * format (iss, sub, aud, exp, nbf, iat, jti and the {@code access} claim) and refresh tokens,
 * which carry no access, live longer and are marked so that only the token endpoint takes them.
 */
public final class TokenSigner {

    /** The claim that marks a refresh token; access tokens do not have it. */
    static final String USE_CLAIM = "token_use";
    static final String REFRESH = "refresh";
    static final String ACCESS_CLAIM = "access";

    private final MACSigner signer;
    private final String issuer;
    private final String service;
    private final Duration lifetime;
    private final Duration refreshLifetime;
    private final Clock clock;

    public TokenSigner(String signingKey, String issuer, String service, Duration lifetime, Duration refreshLifetime,
            Clock clock) {
        try {
            this.signer = new MACSigner(signingKey.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the signing key is too short for HMAC-SHA256", e);
        }
        this.issuer = issuer;
        this.service = service;
        this.lifetime = lifetime;
        this.refreshLifetime = refreshLifetime;
        this.clock = clock;
    }

    /** @param user empty for an anonymous caller (an empty subject) */
    public IssuedToken access(Optional<String> user, List<Scope> access) {
        List<Map<String, Object>> claim = new ArrayList<>();
        for (Scope scope : access) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", scope.type());
            entry.put("name", scope.name());
            entry.put("actions", scope.actions());
            claim.add(entry);
        }
        return sign(user.orElse(""), lifetime, builder -> builder.claim(ACCESS_CLAIM, claim));
    }

    public IssuedToken refresh(String user) {
        return sign(user, refreshLifetime, builder -> builder.claim(USE_CLAIM, REFRESH));
    }

    private IssuedToken sign(String subject, Duration life, java.util.function.Consumer<JWTClaimsSet.Builder> extra) {
        // JWT times are whole seconds: the answer's issued_at and expires_in match the claims.
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant expires = now.plus(life);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .audience(service)
                .expirationTime(Date.from(expires))
                .notBeforeTime(Date.from(now))
                .issueTime(Date.from(now))
                .jwtID(UUID.randomUUID().toString());
        extra.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return new IssuedToken(jwt.serialize(), now, expires);
    }
}
