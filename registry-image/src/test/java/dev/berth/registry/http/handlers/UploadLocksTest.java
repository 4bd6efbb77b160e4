package dev.berth.registry.http.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Requests on one upload wait for each other; others do not; nothing stays behind. */
class UploadLocksTest {

    private final UploadLocks locks = new UploadLocks();

    @Test
    void aSecondRequestOnTheSameUploadWaitsUntilTheFirstIsDone() throws Exception {
        CountDownLatch secondHolds = new CountDownLatch(1);
        Thread second;
        try (UploadLocks.Held first = locks.lock("a")) {
            second = Thread.ofVirtual().start(() -> {
                try (UploadLocks.Held held = locks.lock("a")) {
                    secondHolds.countDown();
                }
            });
            assertFalse(secondHolds.await(200, TimeUnit.MILLISECONDS), "the second ran while the first held the lock");
            assertEquals(1, locks.inUse());
        }
        assertTrue(secondHolds.await(5, TimeUnit.SECONDS), "the second never got the lock");
        second.join(5_000);
        assertEquals(0, locks.inUse(), "the lock of an upload without requests is dropped");
    }

    @Test
    void requestsOnOtherUploadsDoNotWait() throws Exception {
        AtomicBoolean otherHeld = new AtomicBoolean();
        try (UploadLocks.Held first = locks.lock("a")) {
            Thread other = Thread.ofVirtual().start(() -> {
                try (UploadLocks.Held held = locks.lock("b")) {
                    otherHeld.set(true);
                }
            });
            other.join(5_000);
            assertTrue(otherHeld.get(), "a request on another upload waited");
            assertEquals(1, locks.inUse());
        }
        assertEquals(0, locks.inUse());
    }
}
