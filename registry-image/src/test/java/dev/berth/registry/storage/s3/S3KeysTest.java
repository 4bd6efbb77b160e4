package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bucket layout: where each kind of object lives (docs/s3-storage.md documents the same). */
class S3KeysTest {

    private final S3Keys keys = new S3Keys("/registry/");

    @Test
    void slashesAroundTheRootDirectoryAreIgnoredAndAnEmptyRootIsTheBucketsTop() {
        assertEquals("registry/a/b", keys.metadata("a/b"));
        assertEquals("registry/a/b", new S3Keys("registry").metadata("a/b"));
        assertEquals("a/b", new S3Keys("/").metadata("a/b"));
        assertEquals("a/b", new S3Keys(null).metadata("a/b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", "a/./b", "a/../b", ".."})
    void metadataPathsMustBePlainRelativePaths(String path) {
        assertThrows(IllegalArgumentException.class, () -> keys.metadata(path));
    }

    @Test
    void aBlobsPointerSitsAtItsContentAddress() {
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, "x".getBytes(StandardCharsets.UTF_8));
        assertEquals("registry/blobs/sha256/" + digest.hex(), keys.pointer(digest));
    }

    @Test
    void anUploadsDataObjectsAreBelowTheRootAndShareOnePrefix() {
        String id = "u1";
        assertEquals("blobdata/u1/data", keys.uploadData(id));
        assertTrue(keys.newTail(id, 42).startsWith("blobdata/u1/tail-42-"), keys.newTail(id, 42));
        assertTrue(keys.newEmptyBlob(id).startsWith("blobdata/u1/empty-"), keys.newEmptyBlob(id));
        assertNotEquals(keys.newTail(id, 42), keys.newTail(id, 42), "every tail object is new");
        for (String dataKey : new String[] {keys.uploadData(id), keys.newTail(id, 1), keys.newEmptyBlob(id)}) {
            assertTrue(keys.full(dataKey).startsWith(keys.uploadDataPrefix(id)), dataKey);
        }
    }

    @Test
    void anUploadsStateIsBelowItsOwnPrefix() {
        assertEquals("registry/uploads/u1/s3state", keys.uploadState("u1"));
        assertTrue(keys.uploadState("u1").startsWith(keys.uploadPrefix("u1")));
    }

    @Test
    void aSmallBlobWrittenWholeGetsADataObjectOfItsOwn() {
        String first = keys.newBlobData();
        assertTrue(first.matches("blobdata/[0-9a-f-]{36}/data"), first);
        assertNotEquals(first, keys.newBlobData());
    }
}
