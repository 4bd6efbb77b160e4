package dev.berth.registry.upload;

import dev.berth.registry.oci.ResumableDigest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Hashes what is read through it, so bytes are hashed once, while they stream to storage. */
final class HashingInputStream extends FilterInputStream {
    private final ResumableDigest digest;

    HashingInputStream(InputStream in, ResumableDigest digest) {
        super(in);
        this.digest = digest;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0; // skipping would leave bytes unhashed
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
