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
 * Per key (a client address, a user name), the password checks running and the failed ones of
 * the last minute: once a key's failures plus its running checks reach the limit, its checks are
 * refused until its oldest failure is a minute old. Successes cost nothing here.
 *
 * <p>Per address ({@link #perClient}) this keeps one address from taking all of the registry's
 * password checks, which may also run at most {@value #CLIENT_IN_FLIGHT} at a time. Per user name
 * ({@link #perUser}, {@code limits.userfailures}) it stops guessing one user's password from many
 * addresses; names nobody holds are counted the same way, so a refusal tells nothing about
 * whether a user exists.
 */
final class RecentFailures {

    private static final Logger LOG = LoggerFactory.getLogger(RecentFailures.class);
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int CLIENT_IN_FLIGHT = 2;
    /**
     * Keys remembered at most. Past it, those with nothing running are forgotten: their budgets
     * start again, but the shared pool of {@link PasswordChecks} still bounds the work, and the
     * memory stays bounded however many addresses or names an attacker has.
     */
    static final int MAX_KEYS = 10_000;

    private final int limit;
    private final int maxInFlight;
    /** How the refusals name the key's kind: "from this address", "for this user". */
    private final String whose;
    private final Clock clock;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        int inFlight;
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
    }

    private RecentFailures(int limit, int maxInFlight, String whose, Clock clock) {
        this.limit = limit;
        this.maxInFlight = maxInFlight;
        this.whose = whose;
        this.clock = clock;
    }

    static RecentFailures perClient(int limit, Clock clock) {
        return new RecentFailures(limit, CLIENT_IN_FLIGHT, "from this address", clock);
    }

    static RecentFailures perUser(int limit, Clock clock) {
        return new RecentFailures(limit, Integer.MAX_VALUE, "for this user", clock);
    }

    /** Counts a check for {@code key} as running, or refuses it. */
    synchronized void admit(String key) {
        Instant now = clock.instant();
        Entry entry = entries.get(key);
        if (entry == null) {
            makeRoom(now);
            entry = new Entry();
            entries.put(key, entry);
        }
        expire(entry, now);
        if (entry.inFlight >= maxInFlight) {
            throw new PasswordCheckRefused("password checks " + whose + " are already running", 1);
        }
        if (entry.failures.size() + entry.inFlight >= limit) {
            Instant free = entry.failures.isEmpty() ? now.plusSeconds(1) : entry.failures.peekFirst().plus(WINDOW);
            throw new PasswordCheckRefused("too many failed logins " + whose + "; try again later",
                    (Duration.between(now, free).toMillis() + 999) / 1000);
        }
        entry.inFlight++;
    }

    /** Ends a check admitted by {@link #admit}; a failure counts for a minute. */
    synchronized void finished(String key, boolean succeeded) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return; // forgotten by makeRoom meanwhile
        }
        entry.inFlight = Math.max(0, entry.inFlight - 1);
        if (!succeeded) {
            entry.failures.addLast(clock.instant());
            while (entry.failures.size() > limit) {
                entry.failures.removeFirst();
            }
        }
        forgetIfIdle(key, entry);
    }

    /** Ends a check admitted by {@link #admit} that did not run: no failure. */
    synchronized void released(String key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            entry.inFlight = Math.max(0, entry.inFlight - 1);
            forgetIfIdle(key, entry);
        }
    }

    synchronized int remembered() {
        return entries.size();
    }

    private void forgetIfIdle(String key, Entry entry) {
        expire(entry, clock.instant());
        if (entry.inFlight == 0 && entry.failures.isEmpty()) {
            entries.remove(key);
        }
    }

    private void makeRoom(Instant now) {
        if (entries.size() < MAX_KEYS) {
            return;
        }
        entries.values().removeIf(e -> {
            expire(e, now);
            return e.inFlight == 0 && e.failures.isEmpty();
        });
        if (entries.size() >= MAX_KEYS) {
            LOG.warn("failed logins {} for over {} keys within {}: forgetting those without a check running",
                    whose.replace("this ", "each "), MAX_KEYS, WINDOW);
            entries.values().removeIf(e -> e.inFlight == 0);
        }
    }

    private static void expire(Entry entry, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!entry.failures.isEmpty() && !entry.failures.peekFirst().isAfter(cutoff)) {
            entry.failures.removeFirst();
        }
    }
}
