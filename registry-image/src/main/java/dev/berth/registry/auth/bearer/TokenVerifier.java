package dev.berth.registry.auth.bearer;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks tokens this registry signed: size first (a large token is refused unread), then the
 * algorithm (exactly HS256: {@code none} and every other algorithm are refused, so a token cannot
 * choose how it is checked), the signature, issuer, audience, and the times with a small skew.
 * Anything malformed is an {@link InvalidToken}, never another exception.
 *
 * <p>A client sends its token with every request, so an access token that passed is remembered
 * (by its SHA-256, until it expires): parsing the JSON and the HMAC again each time cost more
 * than a whole cached Basic check. Its times are checked again at every use.
 */
public final class TokenVerifier {

    /** Larger tokens are refused without parsing; the registry's own are well under 1 KiB per scope. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    /** Clocks of registry tasks differ a little; a token a second "from the future" is fine. */
    static final Duration SKEW = Duration.ofSeconds(30);

    private static final int MAX_REMEMBERED = 10_000;

    private record Remembered(VerifiedToken token, Instant expires, Instant notBefore) {}

    private final Map<String, Remembered> verified = new ConcurrentHashMap<>();
    private final byte[] key;
    private final String issuer;
    private final String service;
    private final Clock clock;

    public TokenVerifier(String signingKey, String issuer, String service, Clock clock) {
        this.key = signingKey.getBytes(StandardCharsets.UTF_8);
        this.issuer = issuer;
        this.service = service;
        this.clock = clock;
    }

    /** An access token, as sent with {@code Authorization: Bearer}. */
    public VerifiedToken verifyAccess(String token) throws InvalidToken {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidToken("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        String hash = Digest.compute(DigestAlgorithm.SHA256, token.getBytes(StandardCharsets.UTF_8)).hex();
        Remembered known = verified.get(hash);
        if (known != null) {
            checkTimes(known.expires(), known.notBefore());
            return known.token();
        }
        JWTClaimsSet claims = verify(token);
        if (claims.getClaim(TokenSigner.USE_CLAIM) != null) {
            throw new InvalidToken("a refresh token is for the token endpoint only");
        }
        String subject = subject(claims);
        VerifiedToken accepted = new VerifiedToken(subject.isEmpty() ? Optional.empty() : Optional.of(subject),
                access(claims));
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear(); // crude but bounded: the next requests verify again
        }
        verified.put(hash, new Remembered(accepted, claims.getExpirationTime().toInstant(),
                claims.getNotBeforeTime() == null ? Instant.EPOCH : claims.getNotBeforeTime().toInstant()));
        return accepted;
    }

    /** A refresh token, as sent to the token endpoint; its user. */
    public String verifyRefresh(String token) throws InvalidToken {
        JWTClaimsSet claims = verify(token);
        if (!TokenSigner.REFRESH.equals(claims.getClaim(TokenSigner.USE_CLAIM))) {
            throw new InvalidToken("not a refresh token");
        }
        String subject = subject(claims);
        if (subject.isEmpty()) {
            throw new InvalidToken("a refresh token without a user");
        }
        return subject;
    }

    private JWTClaimsSet verify(String token) throws InvalidToken {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new InvalidToken("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token.strip());
            JWSHeader header = jwt.getHeader();
            if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
                String named = String.valueOf(header.getAlgorithm()).replaceAll("[^A-Za-z0-9]", "");
                throw new InvalidToken("algorithm " + named.substring(0, Math.min(16, named.length()))
                        + " is not accepted; only HS256");
            }
            if (!jwt.verify(new MACVerifier(key))) {
                throw new InvalidToken("bad signature");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (InvalidToken e) {
            throw e;
        } catch (Exception e) {
            // java.text.ParseException, JOSEException, and whatever a hostile token provokes in the parser
            throw new InvalidToken("malformed token");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw new InvalidToken("wrong issuer");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(service)) {
            throw new InvalidToken("wrong audience (service)");
        }
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw new InvalidToken("expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        checkTimes(expires.toInstant(), notBefore == null ? Instant.EPOCH : notBefore.toInstant());
        return claims;
    }

    private void checkTimes(Instant expires, Instant notBefore) throws InvalidToken {
        Instant now = clock.instant();
        if (!now.minus(SKEW).isBefore(expires)) {
            throw new InvalidToken("expired");
        }
        if (now.plus(SKEW).isBefore(notBefore)) {
            throw new InvalidToken("not valid yet");
        }
    }

    private static String subject(JWTClaimsSet claims) throws InvalidToken {
        Object subject = claims.getClaim("sub");
        if (subject != null && !(subject instanceof String)) {
            throw new InvalidToken("malformed subject");
        }
        return subject == null ? "" : (String) subject;
    }

    /** The {@code access} claim; a malformed one refuses the whole token rather than grant part of it. */
    private static List<Scope> access(JWTClaimsSet claims) throws InvalidToken {
        Object claim = claims.getClaim(TokenSigner.ACCESS_CLAIM);
        if (claim == null) {
            return List.of();
        }
        if (!(claim instanceof List<?> entries)) {
            throw new InvalidToken("malformed access claim");
        }
        List<Scope> access = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !(map.get("type") instanceof String type)
                    || !(map.get("name") instanceof String name)) {
                throw new InvalidToken("malformed access claim");
            }
            List<String> actions = new ArrayList<>();
            Object listed = map.get("actions");
            if (listed != null) {
                if (!(listed instanceof List<?> values)) {
                    throw new InvalidToken("malformed access claim");
                }
                for (Object value : values) {
                    if (!(value instanceof String action)) {
                        throw new InvalidToken("malformed access claim");
                    }
                    actions.add(action);
                }
            }
            access.add(new Scope(type, name, actions));
        }
        return access;
    }
}
