package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Upload data, appended by any registry process sharing the storage, then committed as a blob
 * without copying it. Part of {@link Storage}; {@code UploadStoreContract} in the tests says
 * what a backend must do.
 */
public interface UploadStore {

    /**
     * Prepares storage for a new upload.
     *
     * @param info the caller's description of the upload, returned by {@link #upload}
     * @return its progress: no bytes yet
     */
    UploadProgress createUpload(String uploadId, byte[] info) throws IOException;

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
}
