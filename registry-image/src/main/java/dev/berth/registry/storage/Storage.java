package dev.berth.registry.storage;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the registry needs from a storage backend (a local folder, an S3 bucket): three kinds of
 * data, each with its own rules and its own part of the contract every backend must pass in the
 * tests ({@code MetadataStoreContract}, {@code BlobStoreContract}, {@code UploadStoreContract}):
 * <ul>
 *   <li>{@link MetadataStore}: small objects at paths named by {@link StoragePaths}, replaced atomically;
 *   <li>{@link BlobStore}: content-addressed blobs, shared by all repositories, immutable once committed;
 *   <li>{@link UploadStore}: upload data, appended by any registry process sharing the storage,
 *       then committed as a blob without copying it.
 * </ul>
 * Classes that need one kind take that interface, not this one.
 */
public interface Storage extends MetadataStore, BlobStore, UploadStore, AutoCloseable {

    /**
     * Why this storage cannot take writes now (a full filesystem), or empty when it can; asked
     * by every {@code /healthz}, so it must be cheap. Backends that cannot tell say empty.
     */
    default Optional<String> writeProblem() {
        return Optional.empty();
    }

    /**
     * Removes what a process killed mid-write leaves behind and no request can use any more
     * (temporary files, upload folders without their data or description), once untouched for
     * {@code olderThan}: younger ones may belong to a write in progress.
     *
     * @return how many were removed
     */
    default int removeCrashLeftovers(Duration olderThan) throws IOException {
        return 0;
    }

    /**
     * Data objects that no blob names and that were last written before {@code cutoff} (on S3
     * the leftovers of lost commit races and interrupted commits under {@code blobdata/}),
     * removed unless {@code dryRun}. Backends that leave none found none.
     */
    default OrphanData collectOrphanData(Instant cutoff, boolean dryRun) throws IOException {
        return OrphanData.NONE;
    }

    @Override
    default void close() throws IOException {}
}
