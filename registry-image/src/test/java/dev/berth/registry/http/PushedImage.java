package dev.berth.registry.http;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
/** An image pushed by a test: the manifest's bytes and digest, and its blobs. */
public record PushedImage(String repository, byte[] manifest, String digest, String configDigest, byte[] layer,
        String layerDigest) {

    /** Pushes a config and one random layer, then an OCI manifest over them under {@code reference}. */
    public static PushedImage push(RegistryClient client, String repository, String reference) {
        byte[] config = Blobs.config();
        byte[] layer = Blobs.random(2048);
        String configDigest = client.pushBlob(repository, config);
        String layerDigest = client.pushBlob(repository, layer);
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, layerDigest, String.valueOf(layer.length));
        String digest = client.pushManifest(repository, reference, Blobs.OCI_MANIFEST, manifest);
        return new PushedImage(repository, manifest, digest, configDigest, layer, layerDigest);
    }
}
