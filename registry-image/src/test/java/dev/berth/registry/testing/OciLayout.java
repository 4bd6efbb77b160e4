package dev.berth.registry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * An OCI image layout on disk (oci-layout, index.json, blobs/sha256/…) that the tests write
 * themselves, for skopeo to copy from; and a reader for the layouts skopeo writes back.
 */
public final class OciLayout {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final ArrayNode refs = JSON.createArrayNode();

    /** What a layout holds for one pushed manifest: its descriptor fields. */
    public record Ref(String mediaType, String digest, long size, byte[] bytes) {}

    public OciLayout(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Writes a blob; answers its digest. */
    public String blob(byte[] content) {
        String digest = Blobs.sha256(content);
        try {
            Files.write(dir.resolve("blobs/sha256/" + digest.substring("sha256:".length())), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digest;
    }

    /** A gzip'd tar holding one file; answers {compressed, uncompressed tar}. */
    public static byte[][] layer(String fileName, byte[] content) {
        byte[] tar = Tar.of(fileName, content);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new byte[][] {gz.toByteArray(), tar};
    }

    /** A runnable-looking image for {@code architecture}: a config and {@code layers} random layers. */
    public Ref image(String architecture, int layers) {
        byte[][] files = new byte[layers][];
        for (int i = 0; i < layers; i++) {
            files[i] = Blobs.random(20_000 + 10_000 * i);
        }
        return image(architecture, files);
    }

    /** An image for {@code architecture} whose layer i holds one file, {@code layer<i>.bin}, of {@code files[i]}. */
    public Ref image(String architecture, byte[]... files) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Blobs.OCI_MANIFEST);
        ArrayNode layerArray = JSON.createArrayNode();
        ArrayNode diffIds = JSON.createArrayNode();
        for (int i = 0; i < files.length; i++) {
            byte[][] layer = layer("layer" + i + ".bin", files[i]);
            layerArray.add(descriptor(Blobs.OCI_LAYER, blob(layer[0]), layer[0].length));
            diffIds.add(Blobs.sha256(layer[1]));
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture);
        config.put("os", "linux");
        config.putObject("config").putArray("Cmd").add("/layer0.bin");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.set("diff_ids", diffIds);
        byte[] configBytes = bytes(config);
        manifest.set("config", descriptor(Blobs.OCI_CONFIG, blob(configBytes), configBytes.length));
        manifest.set("layers", layerArray);
        return put(manifest);
    }

    /** An index over images, each with its platform. */
    public Ref index(Map<String, Ref> byArchitecture) {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", Blobs.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        byArchitecture.forEach((arch, ref) -> {
            ObjectNode d = descriptor(ref.mediaType(), ref.digest(), ref.size());
            ObjectNode platform = d.putObject("platform");
            platform.put("architecture", arch);
            platform.put("os", "linux");
            manifests.add(d);
        });
        return put(index);
    }

    /** An artifact (empty config, one payload blob) whose subject is {@code subject}. */
    public Ref artifact(String artifactType, Ref subject, byte[] payload) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", Blobs.OCI_MANIFEST);
        manifest.put("artifactType", artifactType);
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        manifest.set("config", descriptor(Blobs.OCI_EMPTY, blob(empty), empty.length));
        manifest.putArray("layers").add(descriptor("application/vnd.example.payload", blob(payload), payload.length));
        manifest.set("subject", descriptor(subject.mediaType(), subject.digest(), subject.size()));
        manifest.putObject("annotations").put("org.example.note", "made by a test");
        return put(manifest);
    }

    /** Names {@code ref} in index.json as {@code tag} and writes index.json. */
    public void tag(String tag, Ref ref) {
        ObjectNode d = descriptor(ref.mediaType(), ref.digest(), ref.size());
        d.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        refs.add(d);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.set("manifests", refs);
        try {
            Files.write(dir.resolve("index.json"), bytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Ref put(ObjectNode manifest) {
        byte[] bytes = bytes(manifest);
        return new Ref(manifest.path("mediaType").asText(), blob(bytes), bytes.length, bytes);
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- reading a layout that skopeo wrote ----

    /** The descriptor index.json gives for {@code tag}. */
    public static JsonNode find(Path dir, String tag) throws IOException {
        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        for (JsonNode d : index.path("manifests")) {
            if (tag.equals(d.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                return d;
            }
        }
        throw new AssertionError("no " + tag + " in " + index);
    }

    /** Every blob file of a layout, by digest. */
    public static Map<String, byte[]> blobs(Path dir) throws IOException {
        Map<String, byte[]> blobs = new HashMap<>();
        try (var files = Files.list(dir.resolve("blobs/sha256"))) {
            for (Path p : files.toList()) {
                blobs.put("sha256:" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        return blobs;
    }

    /** Digests a manifest (or index, recursively) references, itself included. */
    public static List<String> closure(Map<String, byte[]> blobs, String digest) throws IOException {
        List<String> all = new ArrayList<>();
        all.add(digest);
        byte[] bytes = blobs.get(digest);
        if (bytes == null) {
            throw new AssertionError("layout lacks " + digest);
        }
        JsonNode manifest = JSON.readTree(bytes);
        if (manifest.has("manifests")) {
            for (JsonNode child : manifest.path("manifests")) {
                all.addAll(closure(blobs, child.path("digest").asText()));
            }
        } else {
            all.add(manifest.path("config").path("digest").asText());
            manifest.path("layers").forEach(l -> all.add(l.path("digest").asText()));
        }
        return all;
    }
}
