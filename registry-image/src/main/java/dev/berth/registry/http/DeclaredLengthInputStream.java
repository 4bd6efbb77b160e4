package dev.berth.registry.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that must be exactly as long as its {@code Content-Range} says, when no
 * {@code Content-Length} could be checked up front (chunked transfer encoding). A body that
 * ends early or runs long fails the read, so the storage drops the whole chunk.
 */
public final class DeclaredLengthInputStream extends FilterInputStream {

    /** The body's length differs from the declared one. */
    public static final class LengthMismatchException extends IOException {
        LengthMismatchException(String message) {
            super(message);
        }
    }

    private final long declared;
    private long count;

    public DeclaredLengthInputStream(InputStream in, long declared) {
        super(in);
        this.declared = declared;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            if (count != declared) {
                throw new LengthMismatchException("the body held " + count + " bytes but its Content-Range declares "
                        + declared);
            }
            return n;
        }
        count += n;
        if (count > declared) {
            throw new LengthMismatchException("the body holds more than the " + declared
                    + " bytes its Content-Range declares");
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // every byte is counted
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
