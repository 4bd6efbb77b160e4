package dev.berth.registry.http;

import dev.berth.registry.upload.ObservedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that must be exactly as long as its {@code Content-Range} says, when no
 * {@code Content-Length} could be checked up front (chunked transfer encoding). A body that
 * ends early or runs long fails the read, so the storage drops the whole chunk.
 */
public final class DeclaredLengthInputStream extends ObservedInputStream {

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
    protected void observe(byte[] b, int off, int n) throws IOException {
        count += n;
        if (count > declared) {
            throw new LengthMismatchException("the body holds more than the " + declared
                    + " bytes its Content-Range declares");
        }
    }

    @Override
    protected void end() throws IOException {
        if (count != declared) {
            throw new LengthMismatchException("the body held " + count + " bytes but its Content-Range declares "
                    + declared);
        }
    }
}
