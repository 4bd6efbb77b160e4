package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the registry needs from a storage backend (a local folder, an S3 bucket). Three kinds of
 * data, each with its own rules:
 * <ul>
 *   <li>small metadata objects at paths named by {@link StoragePaths}, replaced atomically;
 *   <li>content-addressed blobs, shared by all repositories, immutable once committed;
 *   <li>upload data, appended by any registry process sharing the storage, then committed as a
 *       blob without copying it.
 * </ul>
 * Every backend must pass {@code StorageContract} in the tests.
 */
public interface Storage extends AutoCloseable {

    // ---- metadata: links, tags, referrers entries ----

    /** The object's bytes, or empty if there is none. */
    Optional<byte[]> read(String path) throws IOException;

    /** Creates or replaces the object; readers see the old or the new bytes, never a part. */
    void write(String path, byte[] content) throws IOException;

    /** Removes the object; true if it existed. */
    boolean delete(String path) throws IOException;

    /** Removes every object below {@code directory}. */
    void deleteDirectory(String directory) throws IOException;

    /** Names of the direct children (objects and sub-directories) of {@code directory}, sorted; empty if none. */
    List<String> list(String directory) throws IOException;

    // ---- blobs ----

    /** The committed blob, or empty when there is none. */
    Optional<StoredBlob> findBlob(Digest digest) throws IOException;

    /** The blob's size, or empty when no such blob is committed. */
    default Optional<Long> blobSize(Digest digest) throws IOException {
        return findBlob(digest).map(StoredBlob::size);
    }

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

    // ---- uploads ----

    /**
     * Prepares storage for a new upload.
     *
     * @param info the caller's description of the upload, returned by {@link #upload}
     * @return its progress: no bytes yet
     */
    UploadProgress createUpload(String uploadId, byte[] info) throws IOException;

    /** An upload without a description (tests of the storage alone). */
    default UploadProgress createUpload(String uploadId) throws IOException {
        return createUpload(uploadId, new byte[0]);
    }

    /**
     * The upload's progress, description and saved hash state, consistent with each other.
     *
     * @throws NotFoundException for an unknown upload, and for one that is being created (its
     *     description is not stored yet) or has ended
     */
    StoredUpload upload(String uploadId) throws IOException;

    /** Bytes received so far and their version. @throws NotFoundException for an unknown upload */
    default UploadProgress uploadProgress(String uploadId) throws IOException {
        return upload(uploadId).progress();
    }

    /** Bytes received so far. @throws NotFoundException for an unknown upload */
    default long uploadSize(String uploadId) throws IOException {
        return uploadProgress(uploadId).size();
    }

    /**
     * Appends the whole stream to the upload, all or nothing: if the stream fails, the upload
     * keeps its previous size (and hash state).
     *
     * @param at where the caller believes the upload stands: the data starts at its size, and
     *     its version says which bytes come before (the caller's hash state is of those)
     * @param hashAfter asked once the stream is read to its end; what it returns is saved with
     *     the new progress, atomically (an empty chunk changes nothing and does not ask)
     * @return the new size and version
     * @throws OffsetMismatchException if the upload's size is not {@code at.size()}, or another
     *     append to this upload is in progress
     * @throws UploadChangedException if the size matches but the bytes are others (another
     *     process appended a chunk of the same length in the meantime)
     * @throws NotFoundException for an unknown upload
     */
    UploadProgress appendUpload(String uploadId, UploadProgress at, InputStream data, HashStateSource hashAfter)
            throws IOException;

    /** An append whose hash state is not kept. */
    default UploadProgress appendUpload(String uploadId, UploadProgress at, InputStream data) throws IOException {
        return appendUpload(uploadId, at, data, HashStateSource.NONE);
    }

    /**
     * Streams the upload's bytes so far, to hash them when no saved hash state can be used.
     * Callers read an upload only after its last chunk: a backend may seal the upload here (S3
     * completes its multipart upload, since parts in progress cannot be read), after which
     * appending more data fails; committing it still works, and sealing keeps the version.
     */
    InputStream readUpload(String uploadId) throws IOException;

    /**
     * Makes the upload's bytes the blob {@code digest} (verified by the caller) and ends the
     * upload. Must not copy the data; concurrent commits of the same digest must both succeed.
     *
     * @param verified the progress at which the caller verified the digest
     * @throws UploadChangedException if the upload is no longer at {@code verified}: another
     *     process appended to it since, so the bytes are not the ones verified
     */
    void commitUpload(String uploadId, Digest digest, UploadProgress verified) throws IOException;

    /** Removes an upload: its data and everything stored under {@code uploads/<id>/}; a no-op for an unknown upload. */
    void deleteUpload(String uploadId) throws IOException;

    /** The smallest chunk a client should PATCH (sent as {@code OCI-Chunk-Min-Length}); 0 for no minimum. */
    default long minimumChunkLength() {
        return 0;
    }

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

    @Override
    default void close() throws IOException {}
}
