package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.MovableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limits on password checks: how many run, how many wait, how many one address may fail. */
class PasswordChecksTest {

    private final MovableClock clock = new MovableClock();
    private final AtomicInteger runs = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        release.countDown();
        callers.shutdownNow();
    }

    /** A bcrypt stand-in that counts its runs and answers {@code matched}. */
    private BooleanSupplier check(boolean matched) {
        return () -> {
            runs.incrementAndGet();
            return matched;
        };
    }

    /** One that holds its thread until the test releases it. */
    private BooleanSupplier blocked() {
        return () -> {
            runs.incrementAndGet();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        };
    }

    @Test
    void whenTheThreadsAndTheirQueueAreFullACheckIsRefusedWithoutRunning() throws Exception {
        try (PasswordChecks checks = new PasswordChecks(1, 1000, clock)) {
            int capacity = 1 + PasswordChecks.QUEUE_PER_THREAD;
            List<Future<Boolean>> held = new ArrayList<>();
            for (int i = 0; i < capacity; i++) {
                String client = "10.0.0." + i;
                String credentials = "credentials " + i;
                held.add(callers.submit(() -> checks.check(client, credentials, blocked())));
            }
            awaitTrue(() -> runs.get() == 1 && checks.waiting() == capacity - 1);

            AtomicInteger extra = new AtomicInteger();
            PasswordCheckRefused refused = assertThrows(PasswordCheckRefused.class,
                    () -> checks.check("10.0.1.1", "other", () -> extra.incrementAndGet() > 0));
            assertEquals(1, refused.retryAfterSeconds());
            assertTrue(refused.getMessage().contains("too many password checks"), refused.getMessage());

            release.countDown();
            for (Future<Boolean> f : held) {
                assertFalse(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(capacity, runs.get());
            assertEquals(0, extra.get(), "the refused check never ran");
            assertTrue(checks.check("10.0.1.1", "other", () -> extra.incrementAndGet() > 0)); // room again
        }
    }

    @Test
    void anAddressThatKeepsFailingIsRefusedForAMinuteWithoutBcryptOthersAreNot() {
        try (PasswordChecks checks = new PasswordChecks(1, 3, clock)) {
            for (int i = 0; i < 3; i++) {
                assertFalse(checks.check("203.0.113.9", "guess " + i, check(false)));
            }
            clock.advance(Duration.ofSeconds(20));
            PasswordCheckRefused refused = assertThrows(PasswordCheckRefused.class,
                    () -> checks.check("203.0.113.9", "guess 3", check(true)));
            assertEquals(40, refused.retryAfterSeconds(), "until the first failure is a minute old");
            assertEquals(3, runs.get());

            assertTrue(checks.check("198.51.100.7", "right", check(true)), "another address is not held back");

            clock.advance(Duration.ofSeconds(41));
            assertTrue(checks.check("203.0.113.9", "guess 4", check(true)), "a minute later it may try again");
            assertEquals(5, runs.get());
        }
    }

    @Test
    void aUserNameThatKeepsFailingIsRefusedFromEveryAddressOtherUsersAreNot() {
        try (PasswordChecks checks = new PasswordChecks(1, 1000, 3, clock)) {
            for (int i = 0; i < 3; i++) {
                assertFalse(checks.check("203.0.113." + i, Optional.of("alice"), "alice guess " + i, true,
                        check(false)));
            }
            clock.advance(Duration.ofSeconds(15));
            PasswordCheckRefused refused = assertThrows(PasswordCheckRefused.class, () -> checks.check(
                    "198.51.100.1", Optional.of("alice"), "alice right", true, check(true)));
            assertEquals(45, refused.retryAfterSeconds(), "until the user's first failure is a minute old");
            assertTrue(refused.getMessage().contains("for this user"), refused.getMessage());
            assertEquals(3, runs.get(), "the refused check did not run");

            assertTrue(checks.check("198.51.100.1", Optional.of("bob"), "bob right", true, check(true)),
                    "another user from the same address is not held back");
            // A cheap check (auth.aws digests) passes the same limit.
            assertThrows(PasswordCheckRefused.class, () -> checks.check("198.51.100.2", Optional.of("alice"),
                    "alice cheap", false, check(true)));
            assertEquals(4, runs.get());

            clock.advance(Duration.ofSeconds(46));
            assertTrue(checks.check("198.51.100.1", Optional.of("alice"), "alice right", false, check(true)),
                    "a minute later the user may log in again");
            assertEquals(0, checks.usersRemembered(), "a success after expiry leaves nothing behind");
        }
    }

    @Test
    void successesDoNotCountAgainstAnAddress() {
        try (PasswordChecks checks = new PasswordChecks(1, 2, clock)) {
            for (int i = 0; i < 10; i++) {
                assertTrue(checks.check("192.0.2.1", "login " + i, check(true)));
            }
            assertEquals(0, checks.clientsRemembered());
        }
    }

    @Test
    void oneAddressRunsAtMostTwoChecksAtATime() throws Exception {
        try (PasswordChecks checks = new PasswordChecks(4, 1000, clock)) {
            Future<Boolean> first = callers.submit(() -> checks.check("192.0.2.5", "a", blocked()));
            Future<Boolean> second = callers.submit(() -> checks.check("192.0.2.5", "b", blocked()));
            awaitTrue(() -> runs.get() == 2);
            assertThrows(PasswordCheckRefused.class, () -> checks.check("192.0.2.5", "c", check(true)));
            assertTrue(checks.check("192.0.2.6", "d", check(true)));
            release.countDown();
            assertFalse(first.get(30, TimeUnit.SECONDS));
            assertFalse(second.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void checksOfTheSameCredentialsAtOnceShareOneRun() throws Exception {
        try (PasswordChecks checks = new PasswordChecks(1, 1000, clock)) {
            List<Future<Boolean>> same = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(1);
            same.add(callers.submit(() -> checks.check("192.0.2.9", "same", () -> {
                started.countDown();
                return blocked().getAsBoolean() || true;
            })));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            List<Thread> sharing = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 5; i++) {
                same.add(callers.submit(() -> {
                    sharing.add(Thread.currentThread());
                    return checks.check("192.0.2.9", "same", check(false));
                }));
            }
            // The five are parked waiting for the first run (a late one would run bcrypt again).
            awaitTrue(() -> sharing.size() == 5
                    && sharing.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            release.countDown();
            for (Future<Boolean> f : same) {
                assertTrue(f.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, runs.get());
        }
    }

    @Test
    void theAddressesRememberedAreBounded() {
        try (PasswordChecks checks = new PasswordChecks(1, 1000, clock)) {
            for (int i = 0; i < RecentFailures.MAX_KEYS + 50; i++) {
                checks.check("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "x" + i, check(false));
            }
            assertTrue(checks.clientsRemembered() <= RecentFailures.MAX_KEYS, "" + checks.clientsRemembered());
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(10);
        }
    }
}
