package dev.berth.registry.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An image (or artifact, or index) a garbage collection test pushed: its manifest and the blobs
 * it references, to pull back byte for byte afterwards.
 */
record TestImage(String repository, String digest, String mediaType, byte[] manifest, Map<String, byte[]> blobs) {

    /** Pushes a config and the given layers (uploading each), then the manifest under {@code reference}. */
    static TestImage push(RegistryClient client, String repository, String reference, String extraFields,
            byte[]... layers) {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        byte[] config = Blobs.config();
        String configDigest = client.pushBlob(repository, config);
        blobs.put(configDigest, config);
        String[] layerDigestSize = new String[layers.length * 2];
        for (int i = 0; i < layers.length; i++) {
            String digest = client.pushBlob(repository, layers[i]);
            blobs.put(digest, layers[i]);
            layerDigestSize[2 * i] = digest;
            layerDigestSize[2 * i + 1] = String.valueOf(layers[i].length);
        }
        byte[] manifest = Blobs.imageManifest(Blobs.OCI_MANIFEST, Blobs.OCI_CONFIG, configDigest, config.length,
                null, extraFields, layerDigestSize);
        String digest = putManifest(client, repository, reference == null ? Blobs.sha256(manifest) : reference,
                Blobs.OCI_MANIFEST, manifest);
        return new TestImage(repository, digest, Blobs.OCI_MANIFEST, manifest, blobs);
    }

    /** Pushes an OCI index over {@code children} (already pushed to the same repository). */
    static TestImage index(RegistryClient client, String repository, String reference, TestImage... children) {
        String[] triples = new String[children.length * 3];
        for (int i = 0; i < children.length; i++) {
            triples[3 * i] = children[i].mediaType();
            triples[3 * i + 1] = children[i].digest();
            triples[3 * i + 2] = String.valueOf(children[i].manifest().length);
        }
        byte[] manifest = Blobs.index(Blobs.OCI_INDEX, triples);
        String digest = putManifest(client, repository, reference, Blobs.OCI_INDEX, manifest);
        return new TestImage(repository, digest, Blobs.OCI_INDEX, manifest, Map.of());
    }

    /** The subject field of a referrer of this image. */
    String asSubject() {
        return "\"subject\":" + Blobs.descriptor(mediaType, digest, manifest.length);
    }

    static String putManifest(RegistryClient client, String repository, String reference, String mediaType,
            byte[] manifest) {
        return client.pushManifest(repository, reference, mediaType, manifest);
    }

    /** Pulls the manifest by digest and every blob, and compares them with what was pushed. */
    void assertPullsIdentically(RegistryClient client) {
        RegistryClient.Response got = client.get("/v2/" + repository + "/manifests/" + digest, "Accept", mediaType);
        assertEquals(200, got.status(), () -> repository + "@" + digest + ": " + got);
        assertArrayEquals(manifest, got.body());
        for (Map.Entry<String, byte[]> blob : blobs.entrySet()) {
            RegistryClient.Response b = client.get("/v2/" + repository + "/blobs/" + blob.getKey());
            assertEquals(200, b.status(), () -> repository + " blob " + blob.getKey() + ": " + b);
            assertArrayEquals(blob.getValue(), b.body());
        }
    }
}
