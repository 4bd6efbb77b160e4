package dev.berth.registry.oci;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Manifest media types the registry understands. Anything else is refused as MANIFEST_INVALID. */
public final class MediaTypes {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    public static final Set<String> IMAGE_MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    public static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    /** Every manifest type, in a fixed order for messages. */
    public static final List<String> MANIFESTS = List.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST,
            DOCKER_MANIFEST_LIST);

    private MediaTypes() {}

    /**
     * A header's media type without parameters, in lower case: type and subtype are
     * case-insensitive (RFC 9110 8.3.1). Empty for a missing header.
     */
    public static String essence(String headerValue) {
        return headerValue == null ? "" : headerValue.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    public static boolean isManifest(String mediaType) {
        return IMAGE_MANIFESTS.contains(mediaType) || INDEXES.contains(mediaType);
    }
}
