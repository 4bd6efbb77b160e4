package dev.berth.registry.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What the storage keeps to describe an upload, written with it when it starts: the repository
 * it belongs to and when it started (the purge's measure of its age).
 */
record UploadInfo(String repository, Instant startedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    byte[] toJson() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("repository", repository);
        node.put("startedAt", startedAt.toString());
        return JSON.writeValueAsBytes(node);
    }

    /** Empty for anything {@link #toJson} did not write (an upload created without a description). */
    static Optional<UploadInfo> parse(byte[] bytes) {
        try {
            JsonNode node = bytes.length == 0 ? null : JSON.readTree(bytes);
            if (node == null || !node.hasNonNull("repository") || !node.hasNonNull("startedAt")) {
                return Optional.empty();
            }
            return Optional.of(new UploadInfo(node.get("repository").asText(),
                    Instant.parse(node.get("startedAt").asText())));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
