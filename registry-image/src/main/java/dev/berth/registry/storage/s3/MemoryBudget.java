package dev.berth.registry.storage.s3;

import java.util.concurrent.Semaphore;

/**
 * Heap that all part buffers of one storage share. A buffer that cannot get memory from it
 * spills to a temporary file instead, so many concurrent uploads slow down (disk instead of
 * memory) rather than exhaust the heap.
 */
final class MemoryBudget {

    private static final int UNIT = 1024;
    private final Semaphore units;

    MemoryBudget(long bytes) {
        this.units = new Semaphore((int) Math.min(Integer.MAX_VALUE, Math.max(0, bytes / UNIT)));
    }

    /** A quarter of the heap: what uploads in flight may hold in memory. */
    static MemoryBudget quarterOfHeap() {
        return new MemoryBudget(Runtime.getRuntime().maxMemory() / 4);
    }

    /** Takes {@code bytes} (rounded up to KiB) if available now. */
    boolean tryAcquire(int bytes) {
        return units.tryAcquire(unitsFor(bytes));
    }

    void release(int bytes) {
        if (bytes > 0) {
            units.release(unitsFor(bytes));
        }
    }

    long availableBytes() {
        return (long) units.availablePermits() * UNIT;
    }

    private static int unitsFor(int bytes) {
        return (bytes + UNIT - 1) / UNIT;
    }
}
