package dev.berth.registry.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per user name, the failed password checks of the last minute ({@code limits.userfailures}):
 * once a name's failures plus its running checks reach the limit, its checks are refused until
 * the oldest failure is a minute old, from every address. This stops guessing one user's
 * password from many addresses, which {@link ClientFailures} alone cannot. Names nobody holds
 * are counted the same way, so a refusal tells nothing about whether a user exists. Other users
 * are not affected, and a client whose success is remembered is not checked at all.
 */
final class UserFailures {

    private static final Logger LOG = LoggerFactory.getLogger(UserFailures.class);
    static final Duration WINDOW = ClientFailures.WINDOW;
    /** Names remembered at most; past it those with nothing running are forgotten (memory stays bounded). */
    static final int MAX_USERS = 10_000;

    private final int limit;
    private final Clock clock;
    private final Map<String, User> users = new HashMap<>();

    private static final class User {
        int inFlight;
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
    }

    UserFailures(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Counts a check for {@code name} as running, or refuses it. */
    synchronized void admit(String name) {
        Instant now = clock.instant();
        User user = users.get(name);
        if (user == null) {
            makeRoom(now);
            user = new User();
            users.put(name, user);
        }
        expire(user, now);
        if (user.failures.size() + user.inFlight >= limit) {
            Instant free = user.failures.isEmpty() ? now.plusSeconds(1) : user.failures.peekFirst().plus(WINDOW);
            throw new PasswordCheckRefused("too many failed logins for this user; try again later",
                    (Duration.between(now, free).toMillis() + 999) / 1000);
        }
        user.inFlight++;
    }

    /** Ends a check admitted by {@link #admit}; a failure counts for a minute. */
    synchronized void finished(String name, boolean succeeded) {
        User user = users.get(name);
        if (user == null) {
            return; // forgotten by makeRoom meanwhile
        }
        user.inFlight = Math.max(0, user.inFlight - 1);
        Instant now = clock.instant();
        if (!succeeded) {
            user.failures.addLast(now);
            while (user.failures.size() > limit) {
                user.failures.removeFirst();
            }
        }
        forgetIfIdle(name, user, now);
    }

    /** Ends a check admitted by {@link #admit} that did not run: no failure. */
    synchronized void released(String name) {
        User user = users.get(name);
        if (user != null) {
            user.inFlight = Math.max(0, user.inFlight - 1);
            forgetIfIdle(name, user, clock.instant());
        }
    }

    synchronized int remembered() {
        return users.size();
    }

    private void forgetIfIdle(String name, User user, Instant now) {
        expire(user, now);
        if (user.inFlight == 0 && user.failures.isEmpty()) {
            users.remove(name);
        }
    }

    private void makeRoom(Instant now) {
        if (users.size() < MAX_USERS) {
            return;
        }
        users.values().removeIf(u -> {
            expire(u, now);
            return u.inFlight == 0 && u.failures.isEmpty();
        });
        if (users.size() >= MAX_USERS) {
            LOG.warn("failed logins for over {} user names within {}: forgetting those without a check running",
                    MAX_USERS, WINDOW);
            users.values().removeIf(u -> u.inFlight == 0);
        }
    }

    private static void expire(User user, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!user.failures.isEmpty() && !user.failures.peekFirst().isAfter(cutoff)) {
            user.failures.removeFirst();
        }
    }
}
