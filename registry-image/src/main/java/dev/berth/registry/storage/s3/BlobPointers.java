package dev.berth.registry.storage.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The small objects at a blob's content address ({@code blobs/<alg>/<hex>}) that name the data
 * object holding its bytes. A blob exists exactly when its pointer does and is not a tombstone;
 * committing an upload writes one instead of moving the upload's data to the content address.
 *
 * <p>Garbage collection deletes a blob by replacing its pointer with a tombstone
 * ({@code {"deleted": time}}) under {@code If-Match} of the version it judged, and a manifest PUT
 * refreshes an old pointer under {@code If-Match} too (a new {@code refreshed} field changes its
 * ETag and LastModified): S3 orders the two writes, so exactly one of them wins (see
 * docs/garbage-collection.md). Tombstones stay (S3 cannot delete conditionally everywhere); a
 * later commit of the digest replaces one like any pointer.
 */
final class BlobPointers {

    /** A blob's data object (key below the root) and size. */
    record Pointer(String dataKey, long size) {}

    /** A pointer as read, with the S3 version a conditional write needs. */
    record Versioned(Pointer pointer, Instant modified, String etag) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REFRESH_ATTEMPTS = 5;

    private final S3Objects objects;
    private final S3Keys keys;

    BlobPointers(S3Objects objects, S3Keys keys) {
        this.objects = objects;
        this.keys = keys;
    }

    /** The blob's pointer, or empty when the blob does not exist. */
    Optional<Pointer> find(Digest digest) throws IOException {
        return findVersioned(digest).map(Versioned::pointer);
    }

    /** The blob's pointer with its ETag and LastModified, or empty when the blob does not exist. */
    Optional<Versioned> findVersioned(Digest digest) throws IOException {
        Optional<ResponseBytes<GetObjectResponse>> read = objects.getIfPresent(keys.pointer(digest));
        if (read.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node = JSON.readTree(read.get().asByteArray());
        if (node == null || node.has("deleted") || !node.hasNonNull("key")) {
            return Optional.empty(); // a tombstone: the blob was collected
        }
        GetObjectResponse response = read.get().response();
        return Optional.of(new Versioned(new Pointer(node.get("key").asText(), node.get("size").asLong()),
                response.lastModified(), response.eTag()));
    }

    boolean exists(Digest digest) throws IOException {
        return find(digest).isPresent();
    }

    /** Creates or replaces the blob's pointer (the last writer wins). */
    void write(Digest digest, Pointer pointer) throws IOException {
        objects.put(keys.pointer(digest), json(pointer, false));
    }

    void delete(Digest digest) throws IOException {
        objects.delete(keys.pointer(digest));
    }

    /**
     * Whether the blob exists; rewrites its pointer (conditionally) when it was written before
     * {@code refreshIfBefore}. A refresh that loses to another writer reads again: a tombstone
     * then means the collector won and the blob is gone.
     */
    boolean refresh(Digest digest, Instant refreshIfBefore) throws IOException {
        for (int attempt = 1; attempt <= REFRESH_ATTEMPTS; attempt++) {
            Optional<Versioned> current = findVersioned(digest);
            if (current.isEmpty()) {
                return false;
            }
            if (!current.get().modified().isBefore(refreshIfBefore) || rewriteIf(digest, current.get())) {
                return true;
            }
        }
        throw new IOException("the pointer of " + digest + " kept changing while being refreshed");
    }

    /** Rewrites the pointer as it is, only if it is still {@code current}; false if something else wrote it first. */
    boolean rewriteIf(Digest digest, Versioned current) throws IOException {
        return putIf(digest, json(current.pointer(), true), current.etag());
    }

    /** Replaces the pointer with a tombstone, only if it is still {@code version}; false if it changed. */
    boolean tombstoneIf(Digest digest, String etag) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("deleted", Instant.now().toString());
        return putIf(digest, JSON.writeValueAsBytes(node), etag);
    }

    private boolean putIf(Digest digest, byte[] json, String etag) throws IOException {
        String key = keys.pointer(digest);
        try {
            objects.putJsonIf(key, json, etag);
            return true;
        } catch (SdkException e) {
            if (S3Failures.isConditionFailed(e)) {
                return false;
            }
            throw S3Failures.wrap("S3 PUT " + key, e);
        }
    }

    /** Whether the pointer's data object exists with the pointer's size. */
    boolean holdsBlob(Pointer pointer) throws IOException {
        return objects.sizeIfPresent(keys.full(pointer.dataKey())).filter(size -> size == pointer.size()).isPresent();
    }

    private static byte[] json(Pointer pointer, boolean refreshed) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", pointer.dataKey());
        node.put("size", pointer.size());
        if (refreshed) {
            // New bytes, so a new ETag even within one second: a collector's If-Match on the old one fails.
            node.put("refreshed", Instant.now() + " " + UUID.randomUUID());
        }
        return JSON.writeValueAsBytes(node);
    }
}
