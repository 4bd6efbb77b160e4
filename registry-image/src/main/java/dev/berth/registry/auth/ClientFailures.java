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
 * Per client address, the password checks running and the failed ones of the last minute, so
 * that one address cannot take all of the registry's password checks: it may run
 * {@value #MAX_IN_FLIGHT} at a time, and once its failures plus its running checks reach the
 * limit it is refused until its oldest failure is a minute old. Successes cost nothing here.
 */
final class ClientFailures {

    private static final Logger LOG = LoggerFactory.getLogger(ClientFailures.class);
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int MAX_IN_FLIGHT = 2;
    /**
     * Addresses remembered at most. Past it, the addresses with nothing running are forgotten:
     * their budgets start again, but the shared pool of {@link PasswordChecks} still bounds the
     * work, and the memory stays bounded however many addresses an attacker has.
     */
    static final int MAX_CLIENTS = 10_000;

    private final int limit;
    private final Clock clock;
    private final Map<String, Client> clients = new HashMap<>();

    private static final class Client {
        int inFlight;
        final ArrayDeque<Instant> failures = new ArrayDeque<>();
    }

    ClientFailures(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    /** Counts a check of {@code address} as running, or refuses it. */
    synchronized void admit(String address) {
        Instant now = clock.instant();
        Client client = clients.get(address);
        if (client == null) {
            makeRoom(now);
            client = new Client();
            clients.put(address, client);
        }
        expire(client, now);
        if (client.inFlight >= MAX_IN_FLIGHT) {
            throw new PasswordCheckRefused("password checks from this address are already running", 1);
        }
        if (client.failures.size() + client.inFlight >= limit) {
            Instant free = client.failures.isEmpty() ? now : client.failures.peekFirst().plus(WINDOW);
            throw new PasswordCheckRefused("too many failed logins from this address; try again later",
                    (Duration.between(now, free).toMillis() + 999) / 1000);
        }
        client.inFlight++;
    }

    /** Ends a check admitted by {@link #admit}. */
    synchronized void finished(String address, boolean succeeded) {
        Client client = clients.get(address);
        if (client == null) {
            return; // forgotten by makeRoom meanwhile
        }
        client.inFlight = Math.max(0, client.inFlight - 1);
        Instant now = clock.instant();
        if (!succeeded) {
            client.failures.addLast(now);
            while (client.failures.size() > limit) {
                client.failures.removeFirst();
            }
        }
        expire(client, now);
        if (client.inFlight == 0 && client.failures.isEmpty()) {
            clients.remove(address);
        }
    }

    /** Ends a check admitted by {@link #admit} that did not run: no failure. */
    synchronized void released(String address) {
        Client client = clients.get(address);
        if (client != null) {
            client.inFlight = Math.max(0, client.inFlight - 1);
            expire(client, clock.instant());
            if (client.inFlight == 0 && client.failures.isEmpty()) {
                clients.remove(address);
            }
        }
    }

    synchronized int remembered() {
        return clients.size();
    }

    private void makeRoom(Instant now) {
        if (clients.size() < MAX_CLIENTS) {
            return;
        }
        clients.values().removeIf(c -> {
            expire(c, now);
            return c.inFlight == 0 && c.failures.isEmpty();
        });
        if (clients.size() >= MAX_CLIENTS) {
            LOG.warn("failed logins from over {} addresses within {}: forgetting those without a check running",
                    MAX_CLIENTS, WINDOW);
            clients.values().removeIf(c -> c.inFlight == 0);
        }
    }

    private static void expire(Client client, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!client.failures.isEmpty() && !client.failures.peekFirst().isAfter(cutoff)) {
            client.failures.removeFirst();
        }
    }
}
