package dev.berth.cdk.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A one-layer OCI image layout on disk, written here so the test needs no image tooling beyond skopeo. */
final class OciLayout {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OciLayout() {
    }

    /** Writes an image with one file into a new layout at {@code dir}, tagged {@code tag}. */
    static void write(Path dir, String tag, String fileName, byte[] fileContent) throws IOException {
        Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
        byte[] tar = tar(fileName, fileContent);
        byte[] layer = gzip(tar);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(digest(tar))));
        byte[] configBytes = JSON.writeValueAsBytes(config);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", configBytes));
        manifest.put("layers", List.of(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer)));
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        for (byte[] blob : List.of(layer, configBytes, manifestBytes)) {
            Files.write(blobPath(dir, digest(blob)), blob);
        }
        Map<String, Object> manifestDescriptor = descriptor("application/vnd.oci.image.manifest.v1+json", manifestBytes);
        manifestDescriptor.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
        Files.write(dir.resolve("index.json"),
                JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "manifests", List.of(manifestDescriptor))));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    /** Every blob of a layout, digest to bytes. */
    static Map<String, byte[]> blobs(Path dir) throws IOException {
        Map<String, byte[]> blobs = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("blobs").resolve("sha256"))) {
            for (Path file : files.toList()) {
                blobs.put("sha256:" + file.getFileName(), Files.readAllBytes(file));
            }
        }
        return blobs;
    }

    /** The digest of the manifest tagged {@code tag} in the layout's index. */
    static String manifestDigest(Path dir, String tag) throws IOException {
        for (var m : JSON.readTree(dir.resolve("index.json").toFile()).get("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                return m.get("digest").asText();
            }
        }
        throw new AssertionError("no manifest tagged " + tag + " in " + dir.resolve("index.json"));
    }

    static String digest(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path blobPath(Path dir, String digest) {
        return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] blob) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest(blob));
        d.put("size", blob.length);
        return d;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** A ustar archive holding one regular file (mode 0644, owned by root, mtime 0). */
    private static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, 100, name);
        put(header, 100, 8, "0000644");
        put(header, 108, 8, "0000000");
        put(header, 116, 8, "0000000");
        put(header, 124, 12, String.format("%011o", content.length));
        put(header, 136, 12, "00000000000");
        header[156] = '0';
        put(header, 257, 6, "ustar");
        put(header, 263, 2, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, 8, String.format("%06o", sum) + "\0 ");
        int padded = (content.length + 511) / 512 * 512;
        byte[] tar = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, tar, 0, 512);
        System.arraycopy(content, 0, tar, 512, content.length);
        return tar;
    }

    private static void put(byte[] header, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
