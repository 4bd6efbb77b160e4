package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every backend's {@link BlobStore} must do: content-addressed blobs, written, read by range and deleted. */
public abstract class BlobStoreContract extends StorageFixture {

    @Test
    void smallBlobsAreWrittenReadAndDeleted() throws IOException {
        byte[] content = bytes("{\"schemaVersion\":2}");
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        assertEquals(Optional.empty(), StoreCalls.blobSize(storage, digest));
        storage.writeBlob(digest, content);
        assertEquals(Optional.of((long) content.length), StoreCalls.blobSize(storage, digest));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertTrue(storage.deleteBlob(digest));
        assertFalse(storage.deleteBlob(digest));
        assertEquals(Optional.empty(), StoreCalls.blobSize(storage, digest));
    }

    @Test
    void readingAMissingBlobIsNotFound() {
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, bytes("nothing"));
        assertThrows(NotFoundException.class, () -> storage.readBlob(digest, 0, 1).close());
    }

    @Test
    void blobRangesReadTheRequestedBytes() throws IOException {
        byte[] content = random(100_000, 1);
        Digest digest = commitUpload(content);
        byte[] part = readAll(storage.readBlob(digest, 12_345, 50_000));
        byte[] expected = new byte[50_000];
        System.arraycopy(content, 12_345, expected, 0, expected.length);
        assertArrayEquals(expected, part);
    }

    @Test
    void aFoundBlobReadsThroughItsHandleUntilItIsDeleted() throws IOException {
        byte[] content = random(100_000, 23);
        Digest digest = commitUpload(content);
        StoredBlob blob = storage.findBlob(digest).orElseThrow();
        assertEquals(digest, blob.digest());
        assertEquals(content.length, blob.size());
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 10, 1010), readAll(storage.readBlob(blob, 10, 1000)));

        assertTrue(storage.deleteBlob(digest));
        assertTrue(storage.findBlob(digest).isEmpty());
        assertThrows(NotFoundException.class, () -> readAll(storage.readBlob(blob, 0, 10)));
    }

    @Test
    void dotsInsideANameAreKeptButDotComponentsAreRefused() throws IOException {
        storage.write("tags/v1..", bytes("a"));
        storage.write("tags/a..b", bytes("b"));
        assertArrayEquals(bytes("a"), storage.read("tags/v1..").orElseThrow());
        assertEquals(List.of("a..b", "v1.."), storage.list("tags"));
        for (String escaping : List.of("tags/../x", "../x", "tags/./x", "tags/..")) {
            assertThrows(IllegalArgumentException.class, () -> storage.write(escaping, bytes("x")), escaping);
        }
    }
}
