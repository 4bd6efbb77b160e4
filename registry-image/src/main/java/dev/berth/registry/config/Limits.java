package dev.berth.registry.config;

import java.time.Duration;

/**
 * {@code limits.*}: Berth's bounds on what requests in flight may hold, so that no number of
 * clients, however slow or large their requests, exhausts the memory or the CPU of a task.
 * registry:2 has no such section; every key has a default sized for the image's 1 GiB container.
 *
 * @param uploads upload bodies (PATCH, PUT, single POST) read at the same time; each holds
 *     about 1 MiB of buffers while it is read (see the README's memory formula)
 * @param uploadWait how long an upload waits for one of {@code uploads} before it is answered
 *     429 TOOMANYREQUESTS with {@code Retry-After}
 * @param bodyTimeout a request body that sends nothing for this long is cut (the connection closed)
 * @param manifestSize the largest manifest accepted (registry:2: 4 MiB)
 * @param manifests manifest bodies read at the same time (each up to {@code manifestSize})
 * @param referrersSize the most bytes of descriptors in one referrers response; more come as
 *     further pages through a {@code Link} header
 * @param headerSize the largest request line plus headers, in bytes
 * @param connections open connections; beyond them new ones wait in the system's accept queue
 * @param passwordChecks password (bcrypt) checks that run at the same time, all clients together
 * @param passwordFailures failed password checks one client address may cause per minute; beyond
 *     them its checks are answered 429 without running bcrypt
 * @param trustForwardedFor whether the client address is the last {@code X-Forwarded-For} entry
 *     (as a load balancer in front appends it) instead of the TCP peer; only safe when nothing but
 *     that load balancer can reach the registry
 * @param userFailures failed password checks one user name may have per minute, from all
 *     addresses together; beyond them that user's checks are answered 429 without running
 */
public record Limits(
        int uploads,
        Duration uploadWait,
        Duration bodyTimeout,
        int manifestSize,
        int manifests,
        int referrersSize,
        int headerSize,
        int connections,
        int passwordChecks,
        int passwordFailures,
        boolean trustForwardedFor,
        int userFailures) {

    public static final int DEFAULT_PASSWORD_FAILURES = 10;
    public static final int DEFAULT_USER_FAILURES = 10;

    public static final Limits DEFAULTS = new Limits(
            64, Duration.ofSeconds(30), Duration.ofSeconds(60), 4 * 1024 * 1024, 8, 1024 * 1024, 16 * 1024, 1024, 1,
            DEFAULT_PASSWORD_FAILURES, false, DEFAULT_USER_FAILURES);

    /** The limits with the default per-user failure limit. */
    public Limits(int uploads, Duration uploadWait, Duration bodyTimeout, int manifestSize, int manifests,
            int referrersSize, int headerSize, int connections, int passwordChecks, int passwordFailures,
            boolean trustForwardedFor) {
        this(uploads, uploadWait, bodyTimeout, manifestSize, manifests, referrersSize, headerSize, connections,
                passwordChecks, passwordFailures, trustForwardedFor, DEFAULT_USER_FAILURES);
    }

    /** The limits without the per-client password settings, which keep their defaults. */
    public Limits(int uploads, Duration uploadWait, Duration bodyTimeout, int manifestSize, int manifests,
            int referrersSize, int headerSize, int connections, int passwordChecks) {
        this(uploads, uploadWait, bodyTimeout, manifestSize, manifests, referrersSize, headerSize, connections,
                passwordChecks, DEFAULT_PASSWORD_FAILURES, false);
    }

    public Limits withPasswordChecks(int checks, int failures, boolean forwardedFor) {
        return new Limits(uploads, uploadWait, bodyTimeout, manifestSize, manifests, referrersSize, headerSize,
                connections, checks, failures, forwardedFor, userFailures);
    }

    public Limits withUserFailures(int failures) {
        return new Limits(uploads, uploadWait, bodyTimeout, manifestSize, manifests, referrersSize, headerSize,
                connections, passwordChecks, passwordFailures, trustForwardedFor, failures);
    }
}
