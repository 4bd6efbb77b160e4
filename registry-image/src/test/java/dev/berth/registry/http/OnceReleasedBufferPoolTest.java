package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

/** The registry's buffer pool: a buffer released twice is pooled once, so no two holders share it. */
class OnceReleasedBufferPoolTest {

    private static final int SIZE = 256 * 1024;

    /** The registry's own pool shape: one bucket of 256 KiB buffers, pooled and reused. */
    private static OnceReleasedBufferPool pool() {
        return new OnceReleasedBufferPool(new ArrayByteBufferPool(0, 4096, SIZE, -1, 16L << 20, 16L << 20));
    }

    @Test
    void aReleasedBufferIsReused() {
        OnceReleasedBufferPool pool = pool();
        RetainableByteBuffer first = pool.acquire(SIZE, true);
        ByteBuffer memory = first.getByteBuffer();
        assertTrue(first.release());
        assertSame(memory, pool.acquire(SIZE, true).getByteBuffer(), "the pool should hand the buffer out again");
    }

    @Test
    void aSecondReleaseDoesNotPutTheBufferIntoThePoolTwice() {
        OnceReleasedBufferPool pool = pool();
        RetainableByteBuffer buffer = pool.acquire(SIZE, true);
        assertTrue(buffer.release());
        assertFalse(buffer.release(), "the second release must be ignored");

        RetainableByteBuffer a = pool.acquire(SIZE, true);
        RetainableByteBuffer b = pool.acquire(SIZE, true);
        assertNotSame(a.getByteBuffer(), b.getByteBuffer(), "two holders got the same memory");
    }

    @Test
    void aLateReleaseDoesNotTakeTheBufferFromItsNextHolder() {
        OnceReleasedBufferPool pool = pool();
        RetainableByteBuffer old = pool.acquire(SIZE, true);
        old.release();
        RetainableByteBuffer next = pool.acquire(SIZE, true);
        assertSame(old.getByteBuffer(), next.getByteBuffer());

        old.release(); // a stale second release while the next holder uses the memory
        RetainableByteBuffer other = pool.acquire(SIZE, true);
        assertNotSame(next.getByteBuffer(), other.getByteBuffer(), "the next holder's buffer was handed out again");
    }

    @Test
    void aRetainedBufferGoesBackAfterItsLastRelease() {
        OnceReleasedBufferPool pool = pool();
        RetainableByteBuffer buffer = pool.acquire(SIZE, true);
        buffer.retain();
        assertFalse(buffer.release());
        assertNotSame(buffer.getByteBuffer(), pool.acquire(SIZE, true).getByteBuffer(), "still held once");
        assertTrue(buffer.release());
        assertSame(buffer.getByteBuffer(), pool.acquire(SIZE, true).getByteBuffer());
        assertThrows(IllegalStateException.class, buffer::retain);
    }
}
