package dev.berth.registry.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The user name of {@code Authorization: Basic …} (for log lines and the token endpoint's
 * {@code account} check), and Basic headers built from a form's user name and password so that
 * every password check goes through the one {@link dev.berth.registry.auth.BasicAuthenticator}.
 */
final class BasicCredentials {

    private BasicCredentials() {}

    static Optional<String> user(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String header = authorization.get();
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        try {
            String text = new String(Base64.getDecoder().decode(header.substring(space + 1).strip()),
                    StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            return colon > 0 ? Optional.of(text.substring(0, colon)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String header(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the header is {@code Bearer …}; the token after the scheme. */
    static Optional<String> bearerToken(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        String header = authorization.get().strip();
        if (header.equalsIgnoreCase("Bearer")) {
            return Optional.of(""); // the scheme without a token: an invalid token, not other credentials
        }
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer")) {
            return Optional.empty();
        }
        return Optional.of(header.substring(space + 1).strip());
    }

    /** User names go into log lines: nothing that could forge a line. */
    static String forLog(String user) {
        String shown = user.length() > 100 ? user.substring(0, 100) + "…" : user;
        return shown.replaceAll("[\\p{Cntrl}\\s]", "?");
    }
}
