package dev.berth.registry.storage.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * An object's bytes; closing it before the end aborts the HTTP exchange rather than reading
 * the rest of a possibly huge object just to reuse the connection.
 */
final class RangeStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> response;
    private long remaining;

    /** @param length the bytes the response holds */
    RangeStream(ResponseInputStream<GetObjectResponse> response, long length) {
        super(response);
        this.response = response;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (remaining > 0) {
            response.abort();
        }
        super.close();
    }
}
