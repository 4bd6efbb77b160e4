package dev.berth.registry.auth;

/**
 * A password check that was not run because a limit is reached: the request is answered 429
 * with {@code Retry-After}, and no bcrypt work is done for it.
 */
public final class PasswordCheckRefused extends RuntimeException {

    private final long retryAfterSeconds;

    PasswordCheckRefused(String message, long retryAfterSeconds) {
        super(message, null, false, false); // expected under load: no stack trace to fill
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
