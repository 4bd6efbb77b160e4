package dev.berth.registry.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A blob stream that can also fill a (direct) buffer straight from its source. The HTTP layer
 * uses it to send a local file with two copies per byte instead of four.
 */
public interface BufferReadable {

    /** Reads into {@code target}'s remaining space; -1 at the end. */
    int read(ByteBuffer target) throws IOException;
}
