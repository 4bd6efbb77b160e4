package dev.berth.registry.http;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool whose buffers go back to the pool at most once per acquisition. A second release of
 * the same acquisition would put one buffer into the pool twice, and two connections would then
 * read their requests into the same memory. Jetty 12.1's HTTP/1 connection can do that: when it
 * answers an unparseable request (a TLS handshake sent to this plain port), the answer's completion
 * runs the connection's read loop again on another thread while the first thread may still be
 * about to release the same request buffer, and nothing orders the two releases.
 */
final class OnceReleasedBufferPool implements ByteBufferPool {

    private static final Logger LOG = LoggerFactory.getLogger(OnceReleasedBufferPool.class);

    private final ByteBufferPool pool;

    OnceReleasedBufferPool(ByteBufferPool pool) {
        this.pool = pool;
    }

    @Override
    public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
        return new Acquired(pool.acquire(size, direct));
    }

    @Override
    public void clear() {
        pool.clear();
    }

    /** Counts this acquisition's own references; the pooled buffer's count may belong to its next holder. */
    private static final class Acquired extends RetainableByteBuffer.Wrapper {
        private final AtomicInteger references = new AtomicInteger(1);

        Acquired(RetainableByteBuffer.Mutable buffer) {
            super(buffer);
        }

        @Override
        public void retain() {
            if (references.getAndUpdate(n -> n > 0 ? n + 1 : n) <= 0) {
                throw new IllegalStateException("retain of a released buffer");
            }
            super.retain();
        }

        @Override
        public boolean release() {
            int left = references.getAndUpdate(n -> n > 0 ? n - 1 : n) - 1;
            if (left < 0) {
                LOG.warn("a pooled buffer was released twice; the second release was ignored");
                LOG.debug("second release", new IllegalStateException("released twice"));
                return false;
            }
            return super.release();
        }
    }
}
