package dev.berth.registry.http.limits;

import dev.berth.registry.http.RegistryException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of places for one kind of costly work (reading an upload body, holding a
 * manifest in memory). A request waits up to {@code wait} for a place; after that it is
 * answered 429 with {@code Retry-After}, so a flood slows down instead of exhausting memory.
 * The queue is fair: places go to the requests that waited longest.
 */
public final class Admission {

    private final String what;
    private final int places;
    private final Semaphore semaphore;
    private final Duration wait;

    public Admission(String what, int places, Duration wait) {
        this.what = what;
        this.places = places;
        this.semaphore = new Semaphore(places, true);
        this.wait = wait;
    }

    /** A place, held until the returned permit is closed. */
    public Permit enter() throws InterruptedIOException {
        try {
            if (!semaphore.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw RegistryException.tooManyRequests("the registry is busy: " + places + " " + what
                        + " are in progress; try again shortly", Math.max(1, wait.toSeconds()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a place among " + what);
        }
        return new Permit(semaphore);
    }

    public int places() {
        return places;
    }

    /** Places free right now (for tests and metrics). */
    public int available() {
        return semaphore.availablePermits();
    }

    /** One place; closing it twice frees it once. */
    public static final class Permit implements AutoCloseable {
        private Semaphore semaphore;

        private Permit(Semaphore semaphore) {
            this.semaphore = semaphore;
        }

        @Override
        public void close() {
            if (semaphore != null) {
                semaphore.release();
                semaphore = null;
            }
        }
    }
}
