package dev.berth.registry.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for an event by polling with a deadline, where a fixed sleep would guess how long it takes. */
public final class Eventually {

    private Eventually() {}

    /** Polls {@code condition} every {@code every} until it holds; fails with {@code what} after {@code within}. */
    public static void await(Duration within, Duration every, String what, BooleanSupplier condition) {
        awaitValue(within, every, () -> what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** Polls until {@code value} answers non-null and answers it; {@code what} explains a timeout. */
    public static <T> T awaitValue(Duration within, Duration every, Supplier<String> what, Supplier<T> value) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T answer = value.get();
            if (answer != null) {
                return answer;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what.get());
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what.get(), e);
            }
        }
    }
}
