package dev.berth.registry.upload;

import dev.berth.registry.oci.ResumableDigest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hashes what is read through it, so bytes are hashed once, while they stream to storage.
 *
 * <p>Hashing (≈1.3 GiB/s for SHA-256) is as slow as writing, so it runs on a second thread:
 * each read copies its bytes into one of a few small buffers that a hasher thread consumes,
 * letting the hash and the storage write proceed side by side. {@link #finishHashing()} waits
 * for the hasher before the digest is read.
 *
 * <p>The buffers ({@value #BUFFERS} of {@value #BUFFER_SIZE} bytes, the most one upload holds
 * here) are made when bytes first arrive, not before: a request whose client sends nothing
 * costs no buffer memory.
 */
final class HashingInputStream extends ObservedInputStream {

    static final int BUFFER_SIZE = 256 * 1024;
    static final int BUFFERS = 3;
    private static final Batch END = new Batch(new byte[0]);

    private final ResumableDigest digest;
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Batch> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread hasher;
    private volatile Throwable hasherFailure;
    private Batch current;
    private int allocated;
    private boolean finished;

    private static final class Batch {
        final byte[] bytes;
        int length;

        Batch(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    HashingInputStream(InputStream in, ResumableDigest digest) {
        super(in);
        this.digest = digest;
        this.hasher = Thread.ofVirtual().name("hasher").start(this::hashBatches);
    }

    private void hashBatches() {
        try {
            while (true) {
                Batch batch = filled.take();
                if (batch == END) {
                    return;
                }
                digest.update(batch.bytes, 0, batch.length);
                batch.length = 0;
                free.put(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            hasherFailure = e;
        }
    }

    @Override
    protected void observe(byte[] b, int off, int n) throws IOException {
        try {
            while (n > 0) {
                if (current == null) {
                    current = takeFree();
                }
                int copy = Math.min(n, current.bytes.length - current.length);
                System.arraycopy(b, off, current.bytes, current.length, copy);
                current.length += copy;
                off += copy;
                n -= copy;
                if (current.length == current.bytes.length) {
                    filled.put(current);
                    current = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
    }

    private Batch takeFree() throws InterruptedException, IOException {
        Batch batch = free.poll();
        if (batch == null && allocated < BUFFERS) {
            allocated++;
            batch = new Batch(new byte[BUFFER_SIZE]);
        } else if (batch == null) {
            batch = free.take();
        }
        if (hasherFailure != null) {
            throw new IOException("hashing failed", hasherFailure);
        }
        return batch;
    }

    /** Hashes what is still queued and stops the hasher; the digest is complete afterwards. */
    void finishHashing() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (current != null && current.length > 0) {
                filled.put(current);
                current = null;
            }
            filled.put(END);
            hasher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        }
        if (hasherFailure != null) {
            throw new IOException("hashing failed", hasherFailure);
        }
    }

    /** Stops the hasher without waiting for a result (the hash is abandoned). */
    void abandon() {
        finished = true;
        hasher.interrupt();
    }
}
