package dev.berth.registry.load;

import dev.berth.registry.testing.Blobs;
import java.nio.charset.StandardCharsets;

/** OCI artifact manifests for the load tests, built as text: the empty config and layer, any annotations. */
final class Manifests {

    static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);
    static final String EMPTY_DIGEST = sha256(EMPTY);

    private Manifests() {}

    /** An artifact with the empty config and layer (push {@link #EMPTY} first), a subject, and annotations. */
    static byte[] artifact(String subjectDigest, String annotationsJson) {
        String empty = "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + EMPTY_DIGEST
                + "\",\"size\":2}";
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MEDIA_TYPE + "\",\"artifactType\":"
                + "\"application/vnd.example.load\",\"config\":" + empty + ",\"layers\":[" + empty + "],"
                + (subjectDigest == null ? "" : "\"subject\":{\"mediaType\":\"" + MEDIA_TYPE + "\",\"digest\":\""
                        + subjectDigest + "\",\"size\":100},")
                + "\"annotations\":" + annotationsJson + "}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** One annotation whose value is {@code bytes} long. */
    static String oneLargeAnnotation(int number, int bytes) {
        return "{\"org.example.n\":\"" + number + "\",\"org.example.big\":\"" + "x".repeat(bytes) + "\"}";
    }

    /** {@code count} small annotations. */
    static String manyAnnotations(int count, int seed) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v").append(seed).append('-').append(i)
                    .append('"');
        }
        return json.append('}').toString();
    }

    static String sha256(byte[] bytes) {
        return Blobs.sha256(bytes);
    }
}
