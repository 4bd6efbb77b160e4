package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Content-addressed blobs, shared by all repositories and immutable once committed. Part of
 * {@link Storage}; {@code BlobStoreContract} in the tests says what a backend must do.
 */
public interface BlobStore {

    /** The committed blob, or empty when there is none. */
    Optional<StoredBlob> findBlob(Digest digest) throws IOException;

    /**
     * Streams {@code length} bytes of a blob found by {@link #findBlob} from {@code offset}.
     *
     * @throws NotFoundException when the blob has been deleted since
     */
    InputStream readBlob(StoredBlob blob, long offset, long length) throws IOException;

    /**
     * Streams {@code length} bytes of the blob from {@code offset}.
     *
     * @throws NotFoundException when the blob is not committed
     */
    default InputStream readBlob(Digest digest, long offset, long length) throws IOException {
        StoredBlob blob = findBlob(digest).orElseThrow(() -> new NotFoundException("blob " + digest));
        return readBlob(blob, offset, length);
    }

    /**
     * A short-lived URL from which a client can GET the whole blob itself (S3: a presigned URL),
     * or empty when this storage offers none. The registry answers a blob GET with a redirect
     * there unless {@code storage.redirect.disable} is set.
     */
    default Optional<URI> blobRedirect(StoredBlob blob, Duration ttl) throws IOException {
        return Optional.empty();
    }

    /** Stores a small blob (a manifest) whose digest the caller has verified. */
    void writeBlob(Digest digest, byte[] content) throws IOException;

    /** Removes a blob; true if it existed. */
    boolean deleteBlob(Digest digest) throws IOException;

    // ---- garbage collection (see docs/garbage-collection.md) ----
    // No defaults: a wrapper that forgot to pass these on would silently break the collector's guarantee.

    /**
     * Whether the blob exists; if it does and was last written or refreshed before
     * {@code refreshIfBefore}, marks it as written now, so that a collection that read its
     * older version cannot delete it ({@link #deleteBlobIfUnchanged}). A manifest PUT calls
     * this for everything it references before it stores the manifest.
     */
    boolean refreshBlob(Digest digest, Instant refreshIfBefore) throws IOException;

    /** Every committed blob with its last write or refresh, in no particular order. */
    void listBlobs(BlobListing listing) throws IOException;

    /** The blob's current version, or empty when there is none. */
    Optional<BlobVersion> blobVersion(Digest digest) throws IOException;

    /**
     * Deletes the blob only if it is still exactly {@code version}: a refresh or a new commit of
     * the same digest since it was read keeps it (then false). Atomic against
     * {@link #refreshBlob}: of the two, either the refresh happens first and the blob stays, or
     * the delete does and the refresh reports the blob gone.
     */
    boolean deleteBlobIfUnchanged(BlobVersion version) throws IOException;
}
