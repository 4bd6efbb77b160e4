package dev.berth.registry.auth;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * Where bcrypt runs: a few platform threads ({@code limits.passwordchecks}) with a short queue,
 * never the request's own virtual thread. Virtual threads are not preempted, so two requests
 * busy with bcrypt on a two-core task would hold both carrier threads and every other request,
 * the health check among them, would wait. Platform threads are scheduled by the OS beside the
 * carriers, and there are only so many: a check that finds them and their queue full is refused
 * ({@link PasswordCheckRefused}, 429) without any bcrypt. {@link RecentFailures} keeps one client
 * address from taking them all.
 *
 * <p>Checks of the same credentials at the same time (a client's parallel first requests) share
 * one bcrypt run. {@link RecentFailures} limits the failures per user name the same way, from all
 * addresses together. A cheap check (a digest compare, {@code auth.aws}) passes the same limits but
 * runs on the caller's thread.
 */
public final class PasswordChecks implements AutoCloseable {

    /** How a check ended, as counted for the metrics. */
    public enum Outcome { MATCHED, MISMATCHED, REFUSED }

    private final LongAdder[] outcomes = {new LongAdder(), new LongAdder(), new LongAdder()};

    /**
     * Checks that may wait per thread: at cost 10 (tens of milliseconds each) the last one waits
     * well under a second, and a burst of logins at once still gets through.
     */
    static final int QUEUE_PER_THREAD = 8;

    private final ThreadPoolExecutor pool;
    private final RecentFailures clients;
    private final RecentFailures users;
    private final Map<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();

    /**
     * @param threads checks that run at the same time, all clients together
     * @param failuresPerClient failed checks one client address may cause per minute
     */
    public PasswordChecks(int threads, int failuresPerClient, Clock clock) {
        this(threads, failuresPerClient, Integer.MAX_VALUE, clock);
    }

    /** @param failuresPerUser failed checks one user name may have per minute, from all addresses */
    public PasswordChecks(int threads, int failuresPerClient, int failuresPerUser, Clock clock) {
        this.clients = RecentFailures.perClient(failuresPerClient, clock);
        this.users = RecentFailures.perUser(failuresPerUser, clock);
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
                Thread.ofPlatform().name("berth-password-check-", 1).daemon(true).factory(),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code bcrypt} for a request from {@code client} and waits for its answer.
     *
     * @param credentials identifies user, password and hash: checks of equal ones share one run
     * @throws PasswordCheckRefused when a limit is reached; bcrypt did not run
     */
    public boolean check(String client, String credentials, BooleanSupplier bcrypt) {
        return check(client, Optional.empty(), credentials, true, bcrypt);
    }

    /**
     * Runs a password check for {@code user}, from {@code client}, and waits for its answer.
     *
     * @param user the user name the check is for, limited by {@code limits.userfailures}
     * @param slow whether the check is bcrypt (on the bounded threads) or cheap (on this thread)
     * @throws PasswordCheckRefused when a limit is reached; the check did not run
     */
    public boolean check(String client, Optional<String> user, String credentials, boolean slow,
            BooleanSupplier matches) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> other = running.putIfAbsent(credentials, mine);
        if (other != null) {
            return await(other);
        }
        try {
            user.ifPresent(users::admit);
            try {
                clients.admit(client);
            } catch (PasswordCheckRefused e) {
                user.ifPresent(users::released);
                throw e;
            }
        } catch (PasswordCheckRefused e) {
            outcomes[Outcome.REFUSED.ordinal()].increment();
            finish(credentials, mine);
            mine.completeExceptionally(e);
            return await(mine);
        }
        Runnable run = () -> {
            try {
                boolean matched = matches.getAsBoolean();
                outcomes[(matched ? Outcome.MATCHED : Outcome.MISMATCHED).ordinal()].increment();
                clients.finished(client, matched);
                user.ifPresent(name -> users.finished(name, matched));
                finish(credentials, mine);
                mine.complete(matched);
            } catch (Throwable e) {
                clients.released(client);
                user.ifPresent(users::released);
                finish(credentials, mine);
                mine.completeExceptionally(e);
            }
        };
        if (!slow) {
            run.run();
            return await(mine);
        }
        try {
            pool.execute(run);
        } catch (RejectedExecutionException e) {
            clients.released(client); // not run, so not a failure of the client
            user.ifPresent(users::released);
            outcomes[Outcome.REFUSED.ordinal()].increment();
            finish(credentials, mine);
            mine.completeExceptionally(new PasswordCheckRefused(
                    "too many password checks at once; try again in a moment", 1));
        }
        return await(mine);
    }

    /** Checks (runs: requests sharing one run count once) that ended so since the start. */
    public long count(Outcome outcome) {
        return outcomes[outcome.ordinal()].sum();
    }

    /** Later checks of the same credentials run bcrypt again (a password may have been changed). */
    private void finish(String credentials, CompletableFuture<Boolean> check) {
        running.remove(credentials, check);
    }

    /** Checks waiting for a thread now (for tests and diagnostics). */
    int waiting() {
        return pool.getQueue().size();
    }

    /** User names with failures or checks remembered now. */
    int usersRemembered() {
        return users.remembered();
    }

    /** Client addresses with failures or checks remembered now. */
    int clientsRemembered() {
        return clients.remembered();
    }

    private static boolean await(CompletableFuture<Boolean> check) {
        try {
            return check.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PasswordCheckRefused refused) {
                throw refused;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("password check failed", e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        // Checks dropped from the queue never run: answer their requests rather than leave them waiting.
        running.values().forEach(check -> check.completeExceptionally(
                new PasswordCheckRefused("the registry is stopping", 1)));
    }
}
