package dev.berth.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parts of an image manifest or index the registry acts on: which blobs and child
 * manifests it references (they must exist), its subject (for the referrers API) and its
 * artifact type and annotations (shown in referrers answers).
 */
public record Manifest(
        String mediaType,
        Optional<Descriptor> config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Optional<Descriptor> subject,
        Optional<String> artifactType,
        Map<String, String> annotations) {

    public boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType);
    }

    /** The artifact type a referrers answer shows: the explicit one, else the config's media type. */
    public Optional<String> effectiveArtifactType() {
        // The spec treats an empty artifactType as a missing one.
        Optional<String> given = artifactType.filter(t -> !t.isEmpty());
        if (given.isPresent() || isIndex()) {
            return given;
        }
        return config.map(Descriptor::mediaType);
    }

    /**
     * Parses and checks a manifest body.
     *
     * @param contentType the request's Content-Type, may be null or empty
     */
    public static Manifest parse(byte[] body, String contentType) throws InvalidManifestException {
        JsonNode root = ManifestJson.read(body);
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException("manifest must be a JSON object");
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.intValue() != 2) {
            throw new InvalidManifestException("schemaVersion must be 2 (schema 1 manifests are not supported)");
        }
        String mediaType = mediaTypeOf(root, contentType);
        Optional<Descriptor> subject = optionalDescriptor(root, "subject");
        Optional<String> artifactType = optionalText(root, "artifactType");
        Map<String, String> annotations = annotations(root, "manifest");
        if (MediaTypes.INDEXES.contains(mediaType)) {
            List<Descriptor> manifests = descriptors(root, "manifests", true);
            return new Manifest(mediaType, Optional.empty(), List.of(), manifests, subject, artifactType, annotations);
        }
        JsonNode config = root.get("config");
        if (config == null) {
            throw new InvalidManifestException("image manifest has no config descriptor");
        }
        Descriptor configDescriptor = descriptor(config, "config");
        List<Descriptor> layers = descriptors(root, "layers", true);
        return new Manifest(mediaType, Optional.of(configDescriptor), layers, List.of(), subject, artifactType,
                annotations);
    }

    /**
     * The manifest's media type: the body's {@code mediaType}, else the Content-Type's, else by
     * shape. The header compares case-insensitively (RFC 9110), so what is stored and served back
     * is always the registered lower-case name; the body's field must be exactly that name, as
     * clients compare it as a plain string (registry:2 refuses other spellings too).
     */
    private static String mediaTypeOf(JsonNode root, String contentType) throws InvalidManifestException {
        String declared = optionalText(root, "mediaType").orElse(null);
        String header = MediaTypes.essence(contentType);
        if (declared != null && !MediaTypes.isManifest(declared)) {
            throw unsupported(declared);
        }
        if (declared != null && !header.isEmpty() && !declared.equals(header)) {
            throw new InvalidManifestException(
                    "mediaType " + declared + " in the manifest does not match Content-Type " + header);
        }
        String mediaType = declared != null ? declared : header;
        if (mediaType.isEmpty()) {
            // OCI manifests may omit mediaType; tell them apart by shape.
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        if (!MediaTypes.isManifest(mediaType)) {
            throw unsupported(mediaType);
        }
        return mediaType;
    }

    private static InvalidManifestException unsupported(String mediaType) {
        return new InvalidManifestException("unsupported manifest media type " + mediaType + " (supported: "
                + String.join(", ", MediaTypes.MANIFESTS) + ")");
    }

    private static List<Descriptor> descriptors(JsonNode root, String field, boolean required)
            throws InvalidManifestException {
        JsonNode array = root.get(field);
        if (array == null || array.isNull()) {
            if (required) {
                throw new InvalidManifestException("manifest has no " + field + " array");
            }
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidManifestException(field + " must be an array");
        }
        List<Descriptor> result = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            result.add(descriptor(array.get(i), field + "[" + i + "]"));
        }
        return Collections.unmodifiableList(result);
    }

    private static Optional<Descriptor> optionalDescriptor(JsonNode root, String field)
            throws InvalidManifestException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(descriptor(node, field));
    }

    private static Descriptor descriptor(JsonNode node, String where) throws InvalidManifestException {
        if (!node.isObject()) {
            throw new InvalidManifestException(where + " must be a descriptor object");
        }
        String mediaType = optionalText(node, "mediaType")
                .orElseThrow(() -> new InvalidManifestException(where + ".mediaType is missing"));
        String digestText = optionalText(node, "digest")
                .orElseThrow(() -> new InvalidManifestException(where + ".digest is missing"));
        Digest digest = Digest.parse(digestText)
                .orElseThrow(() -> new InvalidManifestException(where + ".digest is not a valid digest: " + digestText));
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
            throw new InvalidManifestException(where + ".size must be a non-negative integer");
        }
        return new Descriptor(mediaType, digest, size.longValue(), optionalText(node, "artifactType"),
                annotations(node, where));
    }

    private static Optional<String> optionalText(JsonNode node, String field) throws InvalidManifestException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidManifestException(field + " must be a string");
        }
        return Optional.of(value.textValue());
    }

    private static Map<String, String> annotations(JsonNode node, String where) throws InvalidManifestException {
        JsonNode value = node.get("annotations");
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw new InvalidManifestException(where + ".annotations must be an object of strings");
        }
        Map<String, String> result = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw new InvalidManifestException(where + ".annotations." + e.getKey() + " must be a string");
            }
            result.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(result);
    }
}
