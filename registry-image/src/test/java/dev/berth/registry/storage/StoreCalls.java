package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Shorter forms of storage calls that only tests make: no upload description, no hash state. */
public final class StoreCalls {

    private StoreCalls() {}

    /** An upload without a description. */
    public static UploadProgress createUpload(UploadStore store, String uploadId) throws IOException {
        return store.createUpload(uploadId, new byte[0]);
    }

    /** Bytes received so far. @throws NotFoundException for an unknown upload */
    public static long uploadSize(UploadStore store, String uploadId) throws IOException {
        return store.uploadProgress(uploadId).size();
    }

    /** An append whose hash state is not kept. */
    public static UploadProgress appendUpload(UploadStore store, String uploadId, UploadProgress at, InputStream data)
            throws IOException {
        return store.appendUpload(uploadId, at, data, HashStateSource.NONE);
    }

    /** The blob's size, or empty when no such blob is committed. */
    public static Optional<Long> blobSize(BlobStore store, Digest digest) throws IOException {
        return store.findBlob(digest).map(StoredBlob::size);
    }
}
