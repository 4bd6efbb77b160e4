package dev.berth.registry.storage;

import java.io.IOException;

/** A chunk did not start where the upload currently ends. */
public class OffsetMismatchException extends IOException {
    private final long currentSize;

    public OffsetMismatchException(long expected, long currentSize) {
        super("chunk starts at " + expected + " but the upload holds " + currentSize + " bytes");
        this.currentSize = currentSize;
    }

    public long currentSize() {
        return currentSize;
    }
}
