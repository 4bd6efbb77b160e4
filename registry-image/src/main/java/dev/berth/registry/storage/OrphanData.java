package dev.berth.registry.storage;

/** Data objects no blob names any more (S3: {@code blobdata/}), found or removed by garbage collection. */
public record OrphanData(long count, long bytes) {
    public static final OrphanData NONE = new OrphanData(0, 0);
}
