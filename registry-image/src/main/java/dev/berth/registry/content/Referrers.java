package dev.berth.registry.content;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.Manifest;
import dev.berth.registry.storage.MetadataStore;
import dev.berth.registry.storage.StoragePaths;
import java.io.IOException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayList;
import java.util.Collections;
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
    private final MetadataStore storage;

    Referrers(MetadataStore storage) {
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

    /** One page of a subject's referrers: descriptors as stored (JSON objects), and the entry to go on after. */
    public record Page(List<byte[]> descriptors, Optional<String> next) {}

    /**
     * Descriptors of the manifests that refer to {@code subject}, optionally only those of one
     * artifact type, in a stable order, starting after the entry {@code after}: as many as fit in
     * {@code maxBytes}, at least one. A descriptor carries its manifest's annotations, so one may
     * be as large as a manifest; entries are read one at a time.
     */
    public Page page(String repository, Digest subject, Optional<String> artifactType, Optional<String> after,
            int maxBytes) throws IOException {
        String folder = StoragePaths.referrers(repository, subject);
        List<String> entries = new ArrayList<>(storage.list(folder));
        Collections.sort(entries);
        List<byte[]> page = new ArrayList<>();
        long bytes = 0;
        for (String entry : entries) {
            if (after.isPresent() && entry.compareTo(after.get()) <= 0) {
                continue;
            }
            if (!page.isEmpty() && bytes >= maxBytes) {
                return new Page(page, Optional.of(previous(entries, entry)));
            }
            Optional<byte[]> descriptor = storage.read(folder + "/" + entry);
            if (descriptor.isEmpty()) {
                continue; // removed while listing
            }
            if (artifactType.isPresent() && !artifactType.equals(artifactTypeOf(descriptor.get()))) {
                continue;
            }
            if (!page.isEmpty() && bytes + descriptor.get().length > maxBytes) {
                return new Page(page, Optional.of(previous(entries, entry)));
            }
            page.add(descriptor.get());
            bytes += descriptor.get().length;
        }
        return new Page(page, Optional.empty());
    }

    /** The entry before {@code entry}: the page ends there, the next one starts at {@code entry}. */
    private static String previous(List<String> sorted, String entry) {
        return sorted.get(sorted.indexOf(entry) - 1);
    }

    /** The descriptor's top-level artifactType, read without building the annotations. */
    private static Optional<String> artifactTypeOf(byte[] descriptor) throws IOException {
        try (JsonParser parser = JSON.getFactory().createParser(descriptor)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("artifactType") && value == JsonToken.VALUE_STRING) {
                    return Optional.of(parser.getText());
                }
                parser.skipChildren();
            }
            return Optional.empty();
        }
    }
}
