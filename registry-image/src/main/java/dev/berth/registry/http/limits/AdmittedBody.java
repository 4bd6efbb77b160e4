package dev.berth.registry.http.limits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.io.EofException;

/**
 * A request body that takes its place in an {@link Admission} only once its first byte has
 * arrived: a client that opens a request and sends nothing holds no place and, since the
 * reader allocates its buffers after its first read returns, no memory either (it is cut by
 * the body timeout). The place is kept until {@link #close()}, which the handler calls when
 * the request ends; an empty body never takes one.
 */
public final class AdmittedBody extends FilterInputStream {

    /**
     * For uploads: below this rate, measured over each span of the grace time from the first byte
     * on, a body is cut. A client that trickles a byte now and then never trips the idle timeout,
     * yet would hold its place forever; any real client on a real link sends far faster. Each span
     * is measured on its own, not the average since the start: a client that sends megabytes at
     * once and then a byte a minute would otherwise keep its place for as long as its first burst
     * lasts at the floor's rate (16 MiB: 17 minutes).
     */
    public static final long UPLOAD_MIN_BYTES_PER_SECOND = 16 * 1024;

    private final Admission admission;
    private final long graceNanos;
    private final long minBytesPerSecond;
    private final boolean fromRequestStart;
    private Admission.Permit permit;
    private int pending = -2; // -2: nothing read yet
    private long clockStart;
    private long bytes; // since clockStart: the current span

    private AdmittedBody(InputStream body, Admission admission, java.time.Duration grace, long minBytesPerSecond,
            boolean fromRequestStart) {
        super(body);
        this.admission = admission;
        this.graceNanos = grace.toNanos();
        this.minBytesPerSecond = minBytesPerSecond;
        this.fromRequestStart = fromRequestStart;
        this.clockStart = System.nanoTime();
    }

    /** A blob's body: after {@code grace}, cut if its average rate is below the floor. */
    public static AdmittedBody upload(InputStream body, Admission admission, java.time.Duration grace) {
        return new AdmittedBody(body, admission, grace, UPLOAD_MIN_BYTES_PER_SECOND, false);
    }

    /**
     * A small body (a manifest) that must arrive whole within {@code deadline} of the request's
     * start, time spent waiting for a place included: a crowd of trickling clients is cut in one
     * deadline, not one batch of places after another.
     */
    public static AdmittedBody small(InputStream body, Admission admission, java.time.Duration deadline) {
        return new AdmittedBody(body, admission, deadline, Long.MAX_VALUE / 1_000_000L, true);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pending == -2) {
            pending = in.read(); // blocks until the client sends something, without a buffer of ours
            if (pending >= 0) {
                permit = admission.enter();
                if (!fromRequestStart) {
                    clockStart = System.nanoTime();
                }
            }
        }
        if (pending >= 0) {
            b[off] = (byte) pending;
            pending = -1;
            bytes = 1;
            return 1;
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            bytes += n;
            checkRate();
        }
        return n;
    }

    private void checkRate() throws EofException {
        long now = System.nanoTime();
        long elapsed = now - clockStart;
        if (elapsed <= graceNanos) {
            return;
        }
        if (bytes < minBytesPerSecond * Math.max(1, elapsed / 1_000_000_000L)) {
            // An EofException ends the request like a client that went away: no answer, connection closed.
            throw new EofException("request body too slow: " + bytes + " bytes in the last " + elapsed / 1_000_000_000L
                    + " s (the floor is measured over each " + graceNanos / 1_000_000_000L + " s)");
        }
        clockStart = now; // the span passed: the next one is measured on its own
        bytes = 0;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (pending != -1) { // the first byte takes the place, skipped or read
            return read() < 0 ? 0 : 1;
        }
        long skipped = super.skip(n);
        bytes += skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return pending >= 0 ? 1 : super.available();
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Frees the place; does not close the request's own stream (Jetty owns it). */
    @Override
    public void close() {
        if (permit != null) {
            permit.close();
        }
    }
}
