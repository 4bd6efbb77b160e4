package dev.berth.registry.storage.s3;

import static dev.berth.registry.storage.s3.S3Failures.call;
import static dev.berth.registry.storage.s3.S3Failures.callOnUpload;

import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.UploadChangedException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An upload's bytes in S3 (see {@link UploadState}): its multipart upload, whose parts are
 * uploaded as the chunks arrive, and its tail object, the bytes after the last full part.
 * Completing makes all the bytes one object without copying them.
 */
final class UploadData {

    private static final Logger LOG = LoggerFactory.getLogger(UploadData.class);
    /**
     * Parts up to this size are buffered in memory, larger ones in a temporary file (as are all
     * parts while the uploads in flight hold a quarter of the heap).
     */
    static final int PART_MEMORY_LIMIT = 16 * 1024 * 1024;

    private final S3Objects objects;
    private final S3Keys keys;
    /** Memory all uploads in flight may hold; beyond it parts are buffered in temporary files. */
    private final MemoryBudget memoryBudget = MemoryBudget.quarterOfHeap();

    UploadData(S3Objects objects, S3Keys keys) {
        this.objects = objects;
        this.keys = keys;
    }

    /** An empty buffer for one part; the caller closes it. */
    PartBuffer newPartBuffer() {
        return new PartBuffer(PART_MEMORY_LIMIT, memoryBudget);
    }

    // ---- the multipart upload ----

    /** Starts the upload's multipart upload; returns its id. */
    String createMultipart(String uploadId) throws IOException {
        String key = keys.full(keys.uploadData(uploadId));
        S3Client s3 = objects.client();
        return call(() -> s3.createMultipartUpload(b -> b.bucket(objects.bucket()).key(key)
                .contentType(S3Objects.OCTET_STREAM).serverSideEncryption(objects.encryption())
                .storageClass(objects.storageClass())).uploadId());
    }

    /**
     * Uploads the buffer as part {@code number}; returns its ETag.
     *
     * @throws ConcurrentChangeException if the multipart upload is gone (completed or aborted)
     */
    String uploadPart(String uploadId, String multipartId, int number, PartBuffer buffer) throws IOException {
        String key = keys.full(keys.uploadData(uploadId));
        long length = buffer.size();
        RequestBody body = buffer.body();
        return callOnUpload(uploadId, () -> objects.client().uploadPart(b -> b.bucket(objects.bucket()).key(key)
                .uploadId(multipartId).partNumber(number).contentLength(length), body).eTag());
    }

    /** Aborts the multipart upload; a failure is logged and left to the bucket's lifecycle rule. */
    void abortQuietly(String uploadId, String multipartId) {
        String key = keys.full(keys.uploadData(uploadId));
        try {
            objects.client().abortMultipartUpload(b -> b.bucket(objects.bucket()).key(key).uploadId(multipartId));
        } catch (SdkException e) {
            if (!S3Failures.isNotFound(e)) {
                LOG.warn("could not abort multipart upload of {}: {}", key, e.getMessage());
            }
        }
    }

    // ---- the tail ----

    /** Writes the buffer as the tail object {@code tailKey} (below the root). */
    void putTail(String tailKey, PartBuffer buffer) throws IOException {
        objects.putBlobData(keys.full(tailKey), buffer.body());
    }

    /**
     * Reads the state's tail object into the buffer.
     *
     * @throws ConcurrentChangeException if the tail is gone: a newer state, a cancel or a commit replaced it
     */
    void loadTail(String uploadId, UploadState state, PartBuffer buffer) throws IOException {
        String key = keys.full(state.tailKey());
        try (InputStream tail = objects.getOfUpload(uploadId, key)) {
            buffer.fill(tail, state.tailSize());
        }
        if (buffer.size() != state.tailSize()) {
            throw new IOException("tail object " + key + " has " + buffer.size() + " bytes, expected "
                    + state.tailSize());
        }
    }

    /** Uploads the state's tail object as the part after its full parts; returns its ETag. */
    private String uploadTailPart(String uploadId, UploadState state) throws IOException {
        try (PartBuffer buffer = newPartBuffer()) {
            loadTail(uploadId, state, buffer);
            return uploadPart(uploadId, state.multipartId(), state.parts().size() + 1, buffer);
        }
    }

    // ---- completing ----

    /**
     * Makes all the upload's bytes one object and returns its key (below the root). Completing
     * the multipart upload checks every part's ETag against this state, so a part overwritten by
     * a racing append fails it.
     *
     * @throws ConcurrentChangeException if an object of the upload is gone meanwhile
     * @throws UploadChangedException if a racing append overwrote a full part
     */
    String complete(String uploadId, UploadState state) throws IOException {
        if (state.multipartId() == null) {
            if (state.tailKey() != null) {
                return state.tailKey(); // smaller than a part: the tail object is the blob
            }
            String empty = keys.newEmptyBlob(uploadId);
            objects.putBlobData(keys.full(empty), RequestBody.fromBytes(new byte[0]));
            return empty;
        }
        String tailEtag = state.tailPartEtag();
        if (state.tailSize() > 0 && tailEtag == null) {
            tailEtag = uploadTailPart(uploadId, state);
        }
        if (!completeMultipart(uploadId, state, tailEtag)) {
            if (state.tailSize() == 0) {
                throw overwritten(uploadId);
            }
            // A chunk that failed after this state was saved may have overwritten the tail's
            // part (S3 checks every part's ETag): upload the tail again from its object.
            LOG.info("upload {}: the tail's part was overwritten; uploading it again", uploadId);
            if (!completeMultipart(uploadId, state, uploadTailPart(uploadId, state))) {
                throw overwritten(uploadId);
            }
        }
        return keys.uploadData(uploadId);
    }

    /** A full part no longer holds what the state says: only a racing append can have done that. */
    private static UploadChangedException overwritten(String uploadId) {
        return new UploadChangedException("upload " + uploadId + " lost data to a concurrent request that wrote "
                + "the same part; start the upload again");
    }

    /** Completes the multipart upload; false if S3 found a part that is not the state's (InvalidPart). */
    private boolean completeMultipart(String uploadId, UploadState state, String tailEtag) throws IOException {
        String dataKey = keys.uploadData(uploadId);
        String key = keys.full(dataKey);
        List<CompletedPart> completed = new ArrayList<>();
        for (int i = 0; i < state.parts().size(); i++) {
            completed.add(CompletedPart.builder().partNumber(i + 1).eTag(state.parts().get(i)).build());
        }
        if (state.tailSize() > 0) {
            completed.add(CompletedPart.builder().partNumber(state.parts().size() + 1).eTag(tailEtag).build());
        }
        try {
            objects.client().completeMultipartUpload(b -> b.bucket(objects.bucket()).key(key)
                    .uploadId(state.multipartId()).multipartUpload(m -> m.parts(completed)));
            return true;
        } catch (SdkException e) {
            if (S3Failures.isNotFound(e)
                    && objects.sizeIfPresent(key).filter(size -> size == state.size()).isPresent()) {
                // Completed by a concurrent commit of this same upload. An object of another
                // size is not that: an upload revived by a late append named other parts.
                return true;
            }
            if (S3Failures.isNotFound(e)) {
                throw new NotFoundException("upload " + dataKey);
            }
            if (S3Failures.isInvalidPart(e)) {
                return false; // the caller may repair
            }
            throw S3Failures.wrap("S3 complete multipart upload " + dataKey, e);
        }
    }
}
