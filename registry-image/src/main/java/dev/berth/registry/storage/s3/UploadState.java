package dev.berth.registry.storage.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.storage.UploadProgress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Where an upload's bytes are in S3, stored at {@code uploads/<id>/s3state} so that any registry
 * process can continue the upload. Replacing this object is what makes an append take effect:
 * a chunk that fails before it leaves the previous state, and the objects that state names,
 * untouched.
 *
 * <p>The upload's bytes are, in order: the full parts {@code 1..parts.size()} of the multipart
 * upload {@code multipartId} (sizes from {@link PartSizes}), then the tail — the bytes after the
 * last full part, fewer than a part's size — held in the object {@code tailKey}. When a
 * multipart upload exists the tail is also uploaded as part {@code parts.size() + 1}
 * ({@code tailPartEtag}), so that committing needs no data transfer; the next chunk re-reads the
 * tail object (at most one part) and overwrites that part.
 *
 * @param size bytes received
 * @param multipartId the S3 multipart upload, created with the first full part; null before
 * @param parts ETags of the full parts 1..n
 * @param tailKey the object holding the tail (key below the storage root), or null without tail
 * @param tailSize bytes in the tail
 * @param tailPartEtag ETag of the tail uploaded as part n+1, or null
 * @param sealedKey once the upload was read back and so completed (see {@code readUpload}): the
 *     object holding all its bytes; no more data can be appended then
 * @param version new with every append (sealing keeps it): two appends racing from different
 *     processes may both reach S3, and the version tells which one the state describes
 * @param phase whether the upload still takes requests; a commit or a cancel ends it by
 *     replacing the state (compare-and-swap), so that a request that read the open state and is
 *     still in flight fails when it tries to replace it in turn
 * @param committedAs once committed: the digest the bytes (in {@code sealedKey}) became
 * @param info the caller's description of the upload (base64), kept from creation on
 * @param hashState the caller's hash state of exactly these bytes (base64), or null: saved in the
 *     same write as the progress, so the two always agree
 */
record UploadState(
        long size,
        String multipartId,
        List<String> parts,
        String tailKey,
        long tailSize,
        String tailPartEtag,
        String sealedKey,
        String version,
        Phase phase,
        String committedAs,
        String info,
        String hashState) {

    enum Phase { OPEN, COMMITTED, CANCELLED }

    private static final ObjectMapper JSON = new ObjectMapper();

    UploadState {
        parts = List.copyOf(parts);
    }

    static UploadState empty(byte[] info) {
        return new UploadState(0, null, List.of(), null, 0, null, null, "0", Phase.OPEN, null,
                Base64.getEncoder().encodeToString(info), null);
    }

    /** The state after an append that brought the upload to {@code size}. */
    UploadState appended(long size, String multipartId, List<String> parts, String tailKey, long tailSize,
            String tailPartEtag, String version, Optional<byte[]> hashState) {
        return new UploadState(size, multipartId, parts, tailKey, tailSize, tailPartEtag, null, version, Phase.OPEN,
                null, info, hashState.map(Base64.getEncoder()::encodeToString).orElse(null));
    }

    byte[] infoBytes() {
        return info == null ? new byte[0] : Base64.getDecoder().decode(info);
    }

    Optional<byte[]> hashStateBytes() {
        return Optional.ofNullable(hashState).map(Base64.getDecoder()::decode);
    }

    boolean isOpen() {
        return phase == Phase.OPEN;
    }

    UploadProgress progress() {
        return new UploadProgress(size, version);
    }

    /**
     * The same bytes, now all in the object {@code key}. The tail object stays named, so that
     * the commit deletes it (it is the blob itself when {@code key} is the tail).
     */
    UploadState sealedAs(String key) {
        return new UploadState(size, null, List.of(), tailKey, tailSize, null, key, version, Phase.OPEN, null, info,
                hashState);
    }

    /** Ended as the blob {@code digest}, whose bytes are the object {@code dataKey}. */
    UploadState committedAs(String digest, String dataKey) {
        return new UploadState(size, multipartId, parts, tailKey, tailSize, tailPartEtag, dataKey, version,
                Phase.COMMITTED, digest, info, null);
    }

    /** Ended by a cancel (or the purge): its objects are about to be removed. */
    UploadState cancelled() {
        return new UploadState(size, multipartId, parts, tailKey, tailSize, tailPartEtag, sealedKey, version,
                Phase.CANCELLED, null, info, null);
    }

    byte[] toJson() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("size", size);
        if (multipartId != null) {
            node.put("multipartId", multipartId);
        }
        ArrayNode etags = node.putArray("parts");
        parts.forEach(etags::add);
        if (tailKey != null) {
            node.put("tailKey", tailKey);
            node.put("tailSize", tailSize);
        }
        if (tailPartEtag != null) {
            node.put("tailPartEtag", tailPartEtag);
        }
        if (sealedKey != null) {
            node.put("sealedKey", sealedKey);
        }
        node.put("version", version);
        node.put("phase", phase.name());
        if (committedAs != null) {
            node.put("committedAs", committedAs);
        }
        if (info != null) {
            node.put("info", info);
        }
        if (hashState != null) {
            node.put("hashState", hashState);
        }
        return JSON.writeValueAsBytes(node);
    }

    static UploadState fromJson(byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        if (node == null || !node.has("size")) {
            throw new IOException("not an upload state object");
        }
        List<String> etags = new ArrayList<>();
        node.path("parts").forEach(e -> etags.add(e.asText()));
        return new UploadState(
                node.get("size").asLong(),
                text(node, "multipartId"),
                etags,
                text(node, "tailKey"),
                node.path("tailSize").asLong(0),
                text(node, "tailPartEtag"),
                text(node, "sealedKey"),
                node.path("version").asText(""),
                Phase.valueOf(node.path("phase").asText(Phase.OPEN.name())),
                text(node, "committedAs"),
                text(node, "info"),
                text(node, "hashState"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
