package dev.berth.registry.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that sees every byte read through it, in order, to hash or count it. Nothing can be
 * skipped past it.
 */
public abstract class ObservedInputStream extends FilterInputStream {

    protected ObservedInputStream(InputStream in) {
        super(in);
    }

    /** Sees the next {@code n} bytes read, at {@code b[off]}. */
    protected abstract void observe(byte[] b, int off, int n) throws IOException;

    /** Called each time the source reports its end. */
    protected void end() throws IOException {}

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            observe(b, off, n);
        } else if (n < 0) {
            end();
        }
        return n;
    }

    @Override
    public final long skip(long n) {
        return 0; // a skipped byte would go unseen
    }

    @Override
    public final boolean markSupported() {
        return false;
    }
}
