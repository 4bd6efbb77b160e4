package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every backend must do for garbage collection: versions, refreshes and deletes by version,
 * with the two orders of a refresh racing a delete played out one after the other.
 */
public abstract class BlobVersionsContract extends StorageFixture {

    @Test
    void aRefreshAfterTheVersionWasReadKeepsTheBlob() throws IOException {
        byte[] content = random(3000, 1);
        Digest digest = commitUpload(content);
        BlobVersion judged = storage.blobVersion(digest).orElseThrow();
        assertTrue(storage.refreshBlob(digest, Instant.now().plus(Duration.ofDays(1)))); // "older than that": refresh
        assertFalse(storage.deleteBlobIfUnchanged(judged));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertTrue(storage.blobVersion(digest).isPresent());
    }

    @Test
    void aDeleteBeforeTheRefreshWinsAndTheRefreshSaysTheBlobIsGone() throws IOException {
        Digest digest = commitUpload(random(3000, 2));
        BlobVersion judged = storage.blobVersion(digest).orElseThrow();
        assertEquals(3000, judged.size());
        assertTrue(storage.deleteBlobIfUnchanged(judged));
        assertEquals(Optional.empty(), storage.findBlob(digest));
        assertEquals(Optional.empty(), storage.blobVersion(digest));
        assertFalse(storage.refreshBlob(digest, Instant.now().plus(Duration.ofDays(1))));
        assertFalse(storage.deleteBlobIfUnchanged(judged));
    }

    @Test
    void aYoungBlobIsLeftAsItIsByARefresh() throws IOException {
        Digest digest = commitUpload(random(100, 3));
        BlobVersion before = storage.blobVersion(digest).orElseThrow();
        assertTrue(storage.refreshBlob(digest, before.modified())); // not before its own time: no write
        assertEquals(before.tag(), storage.blobVersion(digest).orElseThrow().tag());
        assertTrue(storage.deleteBlobIfUnchanged(before));
    }

    @Test
    void aNewCommitOfTheSameDigestKeepsTheBlob() throws IOException {
        byte[] content = random(5000, 4);
        Digest digest = commitUpload(content);
        BlobVersion judged = storage.blobVersion(digest).orElseThrow();
        sleepPastTimestampResolution();
        commitUpload(content);
        assertFalse(storage.deleteBlobIfUnchanged(judged));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void aCollectedDigestCanBeWrittenAgain() throws IOException {
        byte[] content = random(700, 5);
        Digest digest = commitUpload(content);
        assertTrue(storage.deleteBlobIfUnchanged(storage.blobVersion(digest).orElseThrow()));
        commitUpload(content);
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));

        byte[] manifest = bytes("{\"schemaVersion\":2,\"n\":5}");
        Digest small = Digest.compute(DigestAlgorithm.SHA256, manifest);
        storage.writeBlob(small, manifest);
        assertTrue(storage.deleteBlobIfUnchanged(storage.blobVersion(small).orElseThrow()));
        storage.writeBlob(small, manifest);
        assertArrayEquals(manifest, readAll(storage.readBlob(small, 0, manifest.length)));
    }

    @Test
    void theListingNamesEveryCommittedBlobWithItsTime() throws IOException {
        Instant before = Instant.now().minusSeconds(5);
        Digest first = commitUpload(random(10, 6));
        Digest second = commitUpload(random(20, 7));
        Digest gone = commitUpload(random(30, 8));
        storage.deleteBlobIfUnchanged(storage.blobVersion(gone).orElseThrow());
        Map<Digest, Instant> listed = new HashMap<>();
        storage.listBlobs(listed::put);
        assertTrue(listed.containsKey(first) && listed.containsKey(second), listed::toString);
        assertTrue(listed.get(first).isAfter(before) && listed.get(first).isBefore(Instant.now().plusSeconds(5)));
        // A collected blob may still be listed (S3 keeps a tombstone), but it has no version.
        assertEquals(Optional.empty(), storage.blobVersion(gone));
    }

    /** S3 times have whole seconds; a new write within the same second must still show as new. */
    private static void sleepPastTimestampResolution() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
