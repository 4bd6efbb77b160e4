package dev.berth.registry.storage.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.util.Optional;

/**
 * The small objects at a blob's content address ({@code blobs/<alg>/<hex>}) that name the data
 * object holding its bytes. A blob exists exactly when its pointer does; committing an upload
 * writes one instead of moving the upload's data to the content address.
 */
final class BlobPointers {

    /** A blob's data object (key below the root) and size. */
    record Pointer(String dataKey, long size) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Objects objects;
    private final S3Keys keys;

    BlobPointers(S3Objects objects, S3Keys keys) {
        this.objects = objects;
        this.keys = keys;
    }

    /** The blob's pointer, or empty when the blob does not exist. */
    Optional<Pointer> find(Digest digest) throws IOException {
        Optional<byte[]> bytes = objects.bytesIfPresent(keys.pointer(digest));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node = JSON.readTree(bytes.get());
        return Optional.of(new Pointer(node.get("key").asText(), node.get("size").asLong()));
    }

    boolean exists(Digest digest) throws IOException {
        return find(digest).isPresent();
    }

    /** Creates or replaces the blob's pointer (the last writer wins). */
    void write(Digest digest, Pointer pointer) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", pointer.dataKey());
        node.put("size", pointer.size());
        objects.put(keys.pointer(digest), JSON.writeValueAsBytes(node));
    }

    void delete(Digest digest) throws IOException {
        objects.delete(keys.pointer(digest));
    }

    /** Whether the pointer's data object exists with the pointer's size. */
    boolean holdsBlob(Pointer pointer) throws IOException {
        return objects.sizeIfPresent(keys.full(pointer.dataKey())).filter(size -> size == pointer.size()).isPresent();
    }
}
