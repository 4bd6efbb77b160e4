package dev.berth.registry.auth;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP Basic authentication against the users of a {@link UserSource}: an htpasswd file, as
 * registry:2's {@code auth.htpasswd}, or {@code auth.aws}.
 *
 * <p>bcrypt is slow on purpose (tens of milliseconds), and clients send the credentials with
 * every request, so a successful check is remembered for a few minutes, keyed by a SHA-256 of
 * the user, the password and the user's current hash: a changed password or a removed user
 * stops matching at once. Only successes are remembered.
 *
 * <p>Every other check runs in {@link PasswordChecks}, bounded in total and per client address.
 * A user the file does not hold is checked against a decoy hash of the same cost as the file's
 * entries ({@link DecoyHashes}), so that user names cannot be found out by timing the answers.
 */
public final class BasicAuthenticator {

    private static final Duration REMEMBER = Duration.ofMinutes(5);
    private static final int MAX_REMEMBERED = 10_000;
    private final String realm;
    private final UserSource users;
    private final PasswordChecks checks;
    private final Clock clock;
    private final Map<String, Instant> verified = new ConcurrentHashMap<>();

    public BasicAuthenticator(String realm, UserSource users, PasswordChecks checks, Clock clock) {
        this.realm = realm;
        this.users = users;
        this.checks = checks;
        this.clock = clock;
    }

    /** The {@code WWW-Authenticate} challenge that asks the client for credentials. */
    public String challenge() {
        return "Basic realm=\"" + realm.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The user named by a valid {@code Authorization: Basic …} header, or empty.
     *
     * @param client the client's address, for the per-client limits of {@link PasswordChecks}
     * @throws PasswordCheckRefused when the password cannot be checked now (a limit is reached)
     */
    public Optional<String> authenticate(Optional<String> authorization, String client) {
        Optional<String[]> credentials = authorization.flatMap(BasicAuthenticator::decode);
        if (credentials.isEmpty()) {
            return Optional.empty();
        }
        String user = credentials.get()[0];
        String password = credentials.get()[1];
        UserEntry entry = users.entryOf(user);
        PasswordVerifier verifier = entry.verifier();
        String key = Digest.compute(DigestAlgorithm.SHA256,
                (user + '\0' + password + '\0' + verifier.fingerprint()).getBytes(StandardCharsets.UTF_8)).hex();
        Instant now = clock.instant();
        Instant until = verified.get(key);
        if (entry.known() && until != null && now.isBefore(until)) {
            return Optional.of(user);
        }
        // A missing user runs the same check against its decoy, which matches nothing.
        if (!checks.check(client, Optional.of(user), key, verifier.slow(), () -> verifier.matches(password))
                || !entry.known()) {
            return Optional.empty();
        }
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear(); // crude but bounded: the next requests verify again
        }
        verified.put(key, now.plus(REMEMBER));
        return Optional.of(user);
    }

    /**
     * Whether the user source holds {@code user} now (a refresh token's user may have been
     * removed since it was issued). No password is checked, so this costs nothing.
     */
    public boolean knows(String user) {
        return users.entryOf(user).known();
    }

    /**
     * Whether the header offers credentials at all. {@code Basic} with an empty user name and
     * password (skopeo and podman send it when they hold none for the registry) is no credentials:
     * the caller is anonymous, not wrong.
     */
    public static boolean presentsCredentials(Optional<String> authorization) {
        if (authorization.isEmpty()) {
            return false;
        }
        return decode(authorization.get()).isPresent() || !isEmptyBasic(authorization.get());
    }

    private static boolean isEmptyBasic(String header) {
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Basic")) {
            return false;
        }
        try {
            return new String(Base64.getDecoder().decode(header.substring(space + 1).strip()), StandardCharsets.UTF_8)
                    .equals(":");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code [user, password]} from {@code Basic base64(user:password)}. */
    private static Optional<String[]> decode(String header) {
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(header.substring(space + 1).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new String[] {text.substring(0, colon), text.substring(colon + 1)});
    }
}
