package dev.berth.registry.config;

import dev.berth.registry.config.RegistryConfig.Bearer;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code auth.bearer}: Berth's own token endpoint ({@code /token}) and the HS256 tokens it signs,
 * the Docker registry token flow without a separate token server. Absent: no tokens, Basic only.
 */
final class BearerSection {

    static final String KEY = "auth.bearer";

    private BearerSection() {}

    /** @param warnings gets the warning about a generated signing key */
    static Optional<Bearer> read(ConfigTree tree, List<String> warnings) {
        if (!tree.has(KEY)) {
            return Optional.empty();
        }
        if (!tree.has("auth.htpasswd") && !tree.has("auth.aws")) {
            throw tree.fail(KEY, "needs a user source (auth.htpasswd or auth.aws): tokens are issued to its users");
        }
        if (!tree.node(KEY).orElseThrow().isObject()) {
            throw tree.fail(KEY, "must be a section (signingkey, service, issuer, lifetime, refreshlifetime, realm)");
        }
        Optional<String> key = tree.string("auth.bearer.signingkey").filter(s -> !s.isBlank());
        if (key.isPresent() && key.get().length() < Bearer.MIN_KEY_LENGTH) {
            throw tree.fail("auth.bearer.signingkey", "must be at least " + Bearer.MIN_KEY_LENGTH
                    + " characters (an HMAC-SHA256 key), got " + key.get().length());
        }
        if (key.isEmpty()) {
            warnings.add("auth.bearer.signingkey: not set, so a random key was generated; tokens will not survive a"
                    + " restart and several registry instances behind one load balancer must share one key"
                    + " (set auth.bearer.signingkey or REGISTRY_AUTH_BEARER_SIGNINGKEY)");
        }
        Duration lifetime = positive(tree, "auth.bearer.lifetime", Bearer.DEFAULT_LIFETIME);
        Duration refresh = positive(tree, "auth.bearer.refreshlifetime", Bearer.DEFAULT_REFRESH_LIFETIME);
        return Optional.of(new Bearer(key.orElseGet(BearerSection::randomKey), key.isEmpty(),
                word(tree, "auth.bearer.service", Bearer.DEFAULT_SERVICE),
                word(tree, "auth.bearer.issuer", Bearer.DEFAULT_ISSUER), lifetime, refresh, realm(tree)));
    }

    /** Service and issuer go into challenges between quotes: no quotes, backslashes or control characters. */
    private static String word(ConfigTree tree, String key, String otherwise) {
        String value = tree.string(key, otherwise).trim();
        if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
            throw tree.fail(key, "must be a non-empty name without quotes, backslashes or control characters");
        }
        return value;
    }

    private static Optional<String> realm(ConfigTree tree) {
        Optional<String> realm = tree.string("auth.bearer.realm").map(String::trim).filter(s -> !s.isEmpty());
        if (realm.isEmpty()) {
            return realm;
        }
        try {
            URI uri = new URI(realm.get());
            boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null || realm.get().contains("\"")) {
                throw tree.fail("auth.bearer.realm", "must be an absolute http(s) URL of the token endpoint, e.g."
                        + " https://registry.example.com/token, got \"" + realm.get() + "\"");
            }
        } catch (URISyntaxException e) {
            throw tree.fail("auth.bearer.realm", "not a URL: " + e.getMessage());
        }
        return realm;
    }

    private static Duration positive(ConfigTree tree, String key, Duration otherwise) {
        Duration value = tree.duration(key, otherwise);
        if (value.isNegative() || value.isZero()) {
            throw tree.fail(key, "must be longer than 0s");
        }
        return value;
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
