package dev.berth.registry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;

/** Test content: random bytes, their digests, and small manifests built around them. */
public final class Blobs {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    private static final Random RANDOM = new Random();

    private Blobs() {}

    public static byte[] random(int size) {
        byte[] bytes = new byte[size];
        synchronized (RANDOM) {
            RANDOM.nextBytes(bytes);
        }
        return bytes;
    }

    /** The same bytes for the same seed, for content a test makes twice or a failure to replay. */
    public static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String sha256(byte[] content) {
        return "sha256:" + hex("SHA-256", content);
    }

    public static String sha384(byte[] content) {
        return "sha384:" + hex("SHA-384", content);
    }

    public static String sha512(byte[] content) {
        return "sha512:" + hex("SHA-512", content);
    }

    /** A SHA-256 for content hashed piece by piece as it streams; {@link #sha256(MessageDigest)} names it. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sha256:<hex>} of everything {@code sha256} has taken in. */
    public static String sha256(MessageDigest sha256) {
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    /** The sha256 digest of a stream read to its end (for content too large for one array). */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest sha256 = newSha256();
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            sha256.update(buffer, 0, n);
        }
        return sha256(sha256);
    }

    /** The digest of {@code content} by {@code algorithm}: sha256, sha384 or sha512. */
    public static String digest(String algorithm, byte[] content) {
        return switch (algorithm) {
            case "sha256" -> sha256(content);
            case "sha384" -> sha384(content);
            case "sha512" -> sha512(content);
            default -> throw new IllegalArgumentException(algorithm);
        };
    }

    private static String hex(String algorithm, byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A digest of content nobody pushed. */
    public static String unknownDigest() {
        return sha256(utf8("never pushed " + UUID.randomUUID()));
    }

    public static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    /** A config blob unique to the caller, so manifests built on it have their own digest. */
    public static byte[] config() {
        return utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                + "\"config\":{\"Labels\":{\"nonce\":\"" + UUID.randomUUID() + "\"}}}");
    }

    /** An OCI image manifest over a config and layers given as (digest, size) pairs. */
    public static byte[] imageManifest(String configDigest, long configSize, String... layerDigestSize) {
        return imageManifest(OCI_MANIFEST, OCI_CONFIG, configDigest, configSize, null, null, layerDigestSize);
    }

    public static byte[] imageManifest(String mediaType, String configMediaType, String configDigest,
            long configSize, String artifactType, String extraFields, String... layerDigestSize) {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < layerDigestSize.length; i += 2) {
            if (layers.length() > 0) {
                layers.append(',');
            }
            String layerType = mediaType.equals(DOCKER_MANIFEST)
                    ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : OCI_LAYER;
            layers.append(descriptor(layerType, layerDigestSize[i], Long.parseLong(layerDigestSize[i + 1])));
        }
        return utf8("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\""
                + (artifactType == null ? "" : ",\"artifactType\":\"" + artifactType + "\"")
                + ",\"config\":" + descriptor(configMediaType, configDigest, configSize)
                + ",\"layers\":[" + layers + "]"
                + (extraFields == null ? "" : "," + extraFields) + "}");
    }

    /** An index over child manifests given as (mediaType, digest, size) triples. */
    public static byte[] index(String mediaType, String... children) {
        StringBuilder manifests = new StringBuilder();
        for (int i = 0; i < children.length; i += 3) {
            if (manifests.length() > 0) {
                manifests.append(',');
            }
            manifests.append(descriptor(children[i], children[i + 1], Long.parseLong(children[i + 2])));
        }
        return utf8("{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"manifests\":[" + manifests + "]}");
    }
}
