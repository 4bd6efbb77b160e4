package dev.berth.registry.storage.s3;

/**
 * The size of each part of an upload's S3 multipart upload, a function of the part number only,
 * so every registry process continuing an upload cuts the same parts.
 *
 * <p>Parts 1–1000 have the base size ({@code storage.s3.chunksize}), and the size doubles every
 * 1000 parts after that, up to S3's 5 GiB maximum. With the smallest base (5 MiB) the 10,000
 * parts S3 allows hold 5 MiB × 1000 × (1 + 2 + … + 512) ≈ 4.9 TiB; with the default 10 MiB
 * about 9.7 TiB. A blob under 1000 × base (≈ 10 GiB by default) uses base-size parts only.
 */
final class PartSizes {

    static final long MIN_PART = 5L * 1024 * 1024;
    static final long MAX_PART = 5L * 1024 * 1024 * 1024;
    static final int MAX_PARTS = 10_000;
    static final int PARTS_PER_STEP = 1000;

    private final long base;

    PartSizes(long base) {
        if (base < MIN_PART || base > MAX_PART) {
            throw new IllegalArgumentException("part size must be between 5 MiB and 5 GiB, got " + base);
        }
        this.base = base;
    }

    /** The size of part {@code number} (1-based). */
    long sizeOf(int number) {
        if (number < 1 || number > MAX_PARTS) {
            throw new IllegalArgumentException("S3 part numbers run from 1 to 10000, got " + number);
        }
        int doublings = (number - 1) / PARTS_PER_STEP;
        return Math.min(MAX_PART, base << doublings);
    }

    /** The most bytes an upload can hold: every allowed part at its size. */
    long capacity() {
        long total = 0;
        for (int n = 1; n <= MAX_PARTS; n++) {
            total += sizeOf(n);
        }
        return total;
    }
}
