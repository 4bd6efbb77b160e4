package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.testing.Blobs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * One fresh, empty storage per test and the helpers the storage contracts share. A backend's
 * test extends this for its own tests and runs {@link MetadataStoreContract}, {@link BlobStoreContract}
 * and {@link UploadStoreContract} as nested classes that make the same kind of storage.
 */
public abstract class StorageFixture {

    protected Storage storage;

    /** A new, empty storage for one test. */
    protected abstract Storage newStorage() throws Exception;

    @BeforeEach
    void open() throws Exception {
        storage = newStorage();
    }

    @AfterEach
    void close() throws Exception {
        storage.close();
    }

    // ---- helpers ----

    /** Appends at {@code offset} as a client that knows the upload's current version. */
    protected UploadProgress append(String id, long offset, InputStream data) throws IOException {
        return StoreCalls.appendUpload(storage, id, new UploadProgress(offset, storage.uploadProgress(id).version()), data);
    }

    protected Digest commitUpload(byte[] content) throws IOException {
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
        append(id, 0, new ByteArrayInputStream(content));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        return digest;
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    protected static byte[] random(int size, long seed) {
        return Blobs.random(size, seed);
    }

    protected static InputStream slice(byte[] content, int from, int to) {
        return new ByteArrayInputStream(content, from, to - from);
    }

    protected static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
