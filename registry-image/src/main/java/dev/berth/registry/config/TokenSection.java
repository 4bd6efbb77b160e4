package dev.berth.registry.config;

import dev.berth.registry.auth.external.TrustedTokenKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code auth.token} (registry:2's external token server). The token server decides who may do
 * what, so no other source of users or rules may be configured beside it: each combination stops
 * the start with a message naming both keys, rather than leaving the operator to guess which wins.
 */
final class TokenSection {

    static final String KEY = "auth.token";
    /** Sections that authenticate users or grant access themselves, which a token server replaces. */
    private static final List<String> EXCLUSIVE = List.of("auth.htpasswd", "auth.bearer", "auth.access", "auth.aws");

    private TokenSection() {}

    static Optional<TokenSettings> read(ConfigTree tree) {
        if (!tree.has(KEY)) {
            return Optional.empty();
        }
        for (String other : EXCLUSIVE) {
            if (tree.has(other)) {
                throw tree.fail(KEY, "cannot be combined with " + other + ": with auth.token the token server"
                        + " authenticates users and its tokens' access claims decide what they may do; remove one of"
                        + " " + KEY + " and " + other);
            }
        }
        String need = "required when auth.token is configured";
        String realm = tree.required(KEY + ".realm", need).trim();
        if (!isAbsoluteHttpUrl(realm)) {
            throw tree.fail(KEY + ".realm", "must be the token server's absolute http(s) URL, got \"" + realm + "\"");
        }
        String service = tree.required(KEY + ".service", need).trim();
        String issuer = tree.required(KEY + ".issuer", need).trim();
        Optional<Path> bundle = file(tree, KEY + ".rootcertbundle");
        Optional<Path> jwks = file(tree, KEY + ".jwks");
        if (bundle.isEmpty() && jwks.isEmpty()) {
            throw tree.fail(KEY + ".rootcertbundle", "required when auth.token is configured (or auth.token.jwks):"
                    + " the certificates of the keys the token server signs with");
        }
        check(tree, KEY + ".rootcertbundle", bundle, Optional.empty());
        check(tree, KEY + ".jwks", Optional.empty(), jwks);
        return Optional.of(new TokenSettings(realm, service, issuer, bundle, jwks));
    }

    private static Optional<Path> file(ConfigTree tree, String key) {
        Optional<Path> path = tree.string(key).filter(s -> !s.isBlank()).map(s -> Path.of(s.trim()));
        if (path.isPresent() && !Files.isReadable(path.get())) {
            throw tree.fail(key, "file not found or not readable: " + path.get());
        }
        return path;
    }

    /** Reads the keys now, so a bad file stops the start with its key named. */
    private static void check(ConfigTree tree, String key, Optional<Path> bundle, Optional<Path> jwks) {
        if (bundle.isEmpty() && jwks.isEmpty()) {
            return;
        }
        try {
            TrustedTokenKeys.load(bundle, jwks);
        } catch (IOException e) {
            throw tree.fail(key, e.getMessage());
        }
    }

    private static boolean isAbsoluteHttpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
