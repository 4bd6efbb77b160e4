package dev.berth.registry.load;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * A blob of any size that is never held in memory: a shared random block repeated, its first
 * 8 bytes the blob's number, so every client pushes its own digest.
 */
final class PatternBlob {

    private static final byte[] BLOCK = new byte[1 << 20];

    static {
        new Random(42).nextBytes(BLOCK);
    }

    private final long number;
    private final long size;

    PatternBlob(long number, long size) {
        this.number = number;
        this.size = size;
    }

    long size() {
        return size;
    }

    InputStream open() {
        byte[] head = ByteBuffer.allocate(8).putLong(number).array();
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
                int inBlock = (int) (position % BLOCK.length);
                int n = (int) Math.min(Math.min(len, BLOCK.length - inBlock), size - position);
                System.arraycopy(BLOCK, inBlock, b, off, n);
                for (int i = 0; i < n && position + i < head.length; i++) {
                    b[off + i] = head[(int) (position + i)];
                }
                position += n;
                return n;
            }
        };
    }

    String digest() {
        try (InputStream in = open()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (java.io.IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
