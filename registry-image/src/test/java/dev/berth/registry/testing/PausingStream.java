package dev.berth.registry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request body that sends part of a byte range, then pauses until the test releases it,
 * standing for a client in the middle of a large upload while the test does something to the
 * registry (stops it, kills it). After the release it sends the rest, or fails like a client
 * whose connection broke.
 */
public final class PausingStream extends InputStream {

    /** What the stream does once released. */
    public enum AfterRelease { CONTINUE, FAIL }

    private final byte[] content;
    private final int pauseAt;
    private final int end;
    private final AfterRelease afterRelease;
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private int position;

    /** Bytes {@code from} to the end of {@code content}, pausing after {@code beforePause} of them. */
    public PausingStream(byte[] content, int from, int beforePause, AfterRelease afterRelease) {
        this.content = content;
        this.position = from;
        this.pauseAt = from + beforePause;
        this.end = content.length;
        this.afterRelease = afterRelease;
    }

    /** Waits until every byte before the pause has been read by the HTTP client. */
    public boolean awaitPause(long seconds) throws InterruptedException {
        return paused.await(seconds, TimeUnit.SECONDS);
    }

    public void release() {
        release.countDown();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (position == pauseAt) {
            paused.countDown();
            try {
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            if (afterRelease == AfterRelease.FAIL) {
                throw new IOException("stream abandoned: the client's connection broke");
            }
        }
        if (position >= end) {
            return -1;
        }
        int n = Math.min(len, (position < pauseAt ? pauseAt : end) - position);
        System.arraycopy(content, position, b, off, n);
        position += n;
        return n;
    }
}
