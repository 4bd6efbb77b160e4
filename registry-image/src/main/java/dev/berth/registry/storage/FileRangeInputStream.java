package dev.berth.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** {@code length} bytes of a file from {@code offset}, as a stream or straight into buffers. */
final class FileRangeInputStream extends InputStream implements BufferReadable {

    private final FileChannel channel;
    private long position;
    private long remaining;

    FileRangeInputStream(FileChannel channel, long offset, long length) {
        this.channel = channel;
        this.position = offset;
        this.remaining = length;
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int limit = target.limit();
        if (target.remaining() > remaining) {
            target.limit(target.position() + (int) remaining);
        }
        try {
            int n = channel.read(target, position);
            if (n < 0) {
                remaining = 0; // the file is shorter than it said: end here
                return -1;
            }
            position += n;
            remaining -= n;
            return n;
        } finally {
            target.limit(limit);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, remaining));
        position += skipped;
        remaining -= skipped;
        return skipped;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
