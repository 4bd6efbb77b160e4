package dev.berth.registry.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
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

    /** Buffer for copying to the file when no budgeted memory could be had. */
    private static final int SCRATCH = 64 * 1024;

    private final MemoryBudget budget;
    private int memoryLimit;
    private byte[] memory = new byte[0];
    /** Bytes of {@link #memory} taken from the budget. */
    private int budgeted;
    private long size;
    private Path file;
    private FileChannel channel;

    /**
     * @param memoryLimit the most bytes held in memory
     * @param budget shared with the other buffers; memory it cannot give goes to a file instead
     */
    PartBuffer(int memoryLimit, MemoryBudget budget) {
        this.memoryLimit = memoryLimit;
        this.budget = budget;
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
        if (memory.length == 0 && channel == null && size < target) {
            // Budgeted memory is taken once the client has sent something, not while it stalls.
            PushbackInputStream first = new PushbackInputStream(in, 1);
            int b = first.read();
            if (b < 0) {
                return 0;
            }
            first.unread(b);
            in = first;
        }
        long read = 0;
        while (size < target) {
            long wanted = target - size;
            if (channel == null) {
                if (memoryLimit - size > 0) {
                    ensureMemory((int) Math.min(target, memoryLimit));
                }
                long room = Math.min(memoryLimit, memory.length) - size;
                if (room > 0) {
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
            int length = Math.min(memoryLimit, roundUp(Math.max(capacity, memory.length * 2)));
            if (!budget.tryAcquire(length - budgeted)) {
                memoryLimit = memory.length; // no more memory for this buffer: the rest spills
                return;
            }
            budgeted = length;
            byte[] grown = new byte[length];
            System.arraycopy(memory, 0, grown, 0, (int) Math.min(size, memory.length));
            memory = grown;
        }
    }

    /** Up to a whole KiB, the budget's unit. */
    private static int roundUp(int bytes) {
        return (int) Math.min(Integer.MAX_VALUE - 1023, ((long) bytes + 1023) / 1024 * 1024);
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
        if (memory.length < SCRATCH) {
            budget.release(budgeted);
            budgeted = 0;
            memory = new byte[SCRATCH]; // small and short-lived: outside the budget
        }
    }

    @Override
    public void close() throws IOException {
        budget.release(budgeted);
        budgeted = 0;
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
