package dev.berth.registry.content;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.Manifest;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The referrers index: for each subject digest, one small entry per manifest that names it
 * as {@code subject}, holding the descriptor the referrers API returns. Kept at push time so
 * answering never scans manifests.
 */
public final class Referrers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Storage storage;

    Referrers(Storage storage) {
        this.storage = storage;
    }

    void add(String repository, Digest subject, Digest referrer, Manifest manifest, long size) throws IOException {
        ObjectNode descriptor = JSON.createObjectNode();
        descriptor.put("mediaType", manifest.mediaType());
        descriptor.put("digest", referrer.toString());
        descriptor.put("size", size);
        manifest.effectiveArtifactType().ifPresent(t -> descriptor.put("artifactType", t));
        if (!manifest.annotations().isEmpty()) {
            ObjectNode annotations = descriptor.putObject("annotations");
            for (Map.Entry<String, String> e : manifest.annotations().entrySet()) {
                annotations.put(e.getKey(), e.getValue());
            }
        }
        storage.write(StoragePaths.referrer(repository, subject, referrer), JSON.writeValueAsBytes(descriptor));
    }

    void remove(String repository, Digest subject, Digest referrer) throws IOException {
        storage.delete(StoragePaths.referrer(repository, subject, referrer));
    }

    /** Descriptors of the manifests that refer to {@code subject}, optionally only those of one artifact type. */
    public List<ObjectNode> list(String repository, Digest subject, Optional<String> artifactType) throws IOException {
        List<ObjectNode> result = new ArrayList<>();
        String folder = StoragePaths.referrers(repository, subject);
        for (String entry : storage.list(folder)) {
            Optional<byte[]> bytes = storage.read(folder + "/" + entry);
            if (bytes.isEmpty()) {
                continue; // removed while listing
            }
            ObjectNode descriptor = (ObjectNode) JSON.readTree(bytes.get());
            if (artifactType.isEmpty() || artifactType.get().equals(descriptor.path("artifactType").asText(null))) {
                result.add(descriptor);
            }
        }
        return result;
    }
}
