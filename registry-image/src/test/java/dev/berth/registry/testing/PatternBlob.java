package dev.berth.registry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A blob of any size that is never held in memory: 64 KiB blocks of one random block (from the
 * seed), each stamped with its block number in its first 8 bytes, so blobs of different seeds
 * differ, parts out of order change the digest, and any range can be recomputed.
 */
public final class PatternBlob {

    private static final int BLOCK = 64 * 1024;

    private final byte[] pattern;
    private final long size;

    public PatternBlob(long seed, long size) {
        this.pattern = Blobs.random(BLOCK, seed);
        this.size = size;
    }

    public long size() {
        return size;
    }

    public InputStream open() {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - position);
                fill(position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    /** {@code length} bytes from {@code from}, computed rather than read. */
    public byte[] slice(long from, int length) {
        byte[] out = new byte[length];
        fill(from, out, 0, length);
        return out;
    }

    public String digest() {
        try (InputStream in = open()) {
            return Blobs.sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void fill(long from, byte[] b, int off, int n) {
        int done = 0;
        while (done < n) {
            long p = from + done;
            long block = p / BLOCK;
            int within = (int) (p % BLOCK);
            int segment = Math.min(n - done, BLOCK - within);
            System.arraycopy(pattern, within, b, off + done, segment);
            for (int j = within; j < Math.min(8, within + segment); j++) {
                b[off + done + j - within] = (byte) (block >>> (8 * j));
            }
            done += segment;
        }
    }
}
