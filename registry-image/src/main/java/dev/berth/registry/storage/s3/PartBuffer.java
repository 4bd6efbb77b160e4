package dev.berth.registry.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Holds one S3 part while it is read from the client: in memory up to {@code memoryLimit}
 * bytes, in a temporary file beyond (parts grow with the part number, see {@link PartSizes}).
 * So an upload never holds more than one part's worth of memory, however large the blob.
 * The body it gives the SDK can be re-read for retries.
 */
final class PartBuffer implements Closeable {

    private final int memoryLimit;
    private byte[] memory = new byte[0];
    private long size;
    private Path file;
    private FileChannel channel;

    PartBuffer(int memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    long size() {
        return size;
    }

    /**
     * Reads from {@code in} until the buffer holds {@code target} bytes or {@code in} ends.
     *
     * @return the bytes read
     */
    long fill(InputStream in, long target) throws IOException {
        long read = 0;
        while (size < target) {
            long wanted = target - size;
            if (channel == null) {
                long room = memoryLimit - size;
                if (room > 0) {
                    ensureMemory((int) Math.min(target, memoryLimit));
                    int n = in.readNBytes(memory, (int) size, (int) Math.min(wanted, room));
                    if (n == 0) {
                        break;
                    }
                    size += n;
                    read += n;
                    continue;
                }
                spill(); // memory is full and the part wants more: the rest goes to a file
            }
            int n = in.readNBytes(memory, 0, (int) Math.min(wanted, memory.length));
            if (n == 0) {
                break;
            }
            ByteBuffer chunk = ByteBuffer.wrap(memory, 0, n);
            while (chunk.hasRemaining()) {
                channel.write(chunk);
            }
            size += n;
            read += n;
        }
        return read;
    }

    /** The buffered bytes, as a request body the SDK may read more than once. */
    RequestBody body() {
        long length = size;
        if (channel == null) {
            byte[] bytes = memory;
            return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, (int) length), length,
                    "application/octet-stream");
        }
        FileChannel source = channel;
        // Positional reads of the file: each (re)try reads it afresh from the start.
        return RequestBody.fromContentProvider(() -> Channels.newInputStream(new PositionedReader(source, length)),
                length, "application/octet-stream");
    }

    /** Empties the buffer for the next part (the temporary file, if any, is kept and reused). */
    void reset() throws IOException {
        size = 0;
        if (channel != null) {
            channel.truncate(0);
        }
    }

    private void ensureMemory(int capacity) {
        if (memory.length < capacity) {
            byte[] grown = new byte[Math.min(memoryLimit, Math.max(capacity, memory.length * 2))];
            System.arraycopy(memory, 0, grown, 0, (int) Math.min(size, memory.length));
            memory = grown;
        }
    }

    private void spill() throws IOException {
        if (channel != null) {
            return;
        }
        file = Files.createTempFile("berth-part-", ".bin");
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
        ByteBuffer held = ByteBuffer.wrap(memory, 0, (int) size);
        while (held.hasRemaining()) {
            channel.write(held);
        }
    }

    @Override
    public void close() throws IOException {
        memory = new byte[0];
        if (channel != null) {
            channel.close();
            channel = null;
            Files.deleteIfExists(file);
        }
    }

    /** Reads {@code length} bytes of a channel from position 0 without moving its position. */
    private static final class PositionedReader implements java.nio.channels.ReadableByteChannel {
        private final FileChannel channel;
        private final long length;
        private long position;
        private boolean open = true;

        PositionedReader(FileChannel channel, long length) {
            this.channel = channel;
            this.length = length;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= length) {
                return -1;
            }
            int limit = dst.limit();
            if (dst.remaining() > length - position) {
                dst.limit(dst.position() + (int) (length - position));
            }
            try {
                int n = channel.read(dst, position);
                if (n > 0) {
                    position += n;
                }
                return n;
            } finally {
                dst.limit(limit);
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
