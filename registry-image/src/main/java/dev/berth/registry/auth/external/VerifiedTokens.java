package dev.berth.registry.auth.external;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens already verified, until they expire: a client sends the same token with every request
 * of a push or pull, and verifying an x5c chain costs about a millisecond (PKIX path validation
 * plus the signature), the signature alone a tenth of that. Only successes are kept, keyed by
 * the token's SHA-256, each until the earlier of its expiry and its certificates' end.
 */
final class VerifiedTokens {

    private static final int MAX_ENTRIES = 10_000;

    private record Entry(TokenGrants grants, Instant until) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** The grants of a token verified before and still current at {@code now}, or null. */
    TokenGrants get(String key, Instant now) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (!now.isBefore(entry.until())) {
            entries.remove(key, entry);
            return null;
        }
        return entry.grants();
    }

    void put(String key, TokenGrants grants, Instant until) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // crude but bounded: the next requests verify again
        }
        entries.put(key, new Entry(grants, until));
    }

    static String keyOf(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
