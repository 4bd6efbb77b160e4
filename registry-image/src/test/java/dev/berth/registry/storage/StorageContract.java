package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.testing.Blobs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every storage backend must show. A backend's test extends this class and
 * says how to make a fresh, empty storage.
 */
public abstract class StorageContract {

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

    // ---- metadata ----

    @Test
    void readOfAMissingObjectIsEmpty() throws IOException {
        assertTrue(storage.read("repositories/none/_layers/sha256/abc").isEmpty());
    }

    @Test
    void writeThenReadGivesTheBytesAndWriteReplacesThem() throws IOException {
        storage.write("a/b/c", bytes("one"));
        assertArrayEquals(bytes("one"), storage.read("a/b/c").orElseThrow());
        storage.write("a/b/c", bytes("two"));
        assertArrayEquals(bytes("two"), storage.read("a/b/c").orElseThrow());
    }

    @Test
    void emptyObjectsExist() throws IOException {
        storage.write("markers/x", new byte[0]);
        assertEquals(0, storage.read("markers/x").orElseThrow().length);
    }

    @Test
    void listGivesDirectChildrenSortedAndEmptyForAMissingFolder() throws IOException {
        storage.write("dir/b", bytes("1"));
        storage.write("dir/a", bytes("1"));
        storage.write("dir/c/deeper", bytes("1"));
        storage.write("dir2/x", bytes("1"));
        assertEquals(List.of("a", "b", "c"), storage.list("dir"));
        assertEquals(List.of(), storage.list("missing"));
    }

    @Test
    void deleteRemovesAnObjectAndSaysWhetherItExisted() throws IOException {
        storage.write("d/x", bytes("1"));
        assertTrue(storage.delete("d/x"));
        assertFalse(storage.delete("d/x"));
        assertTrue(storage.read("d/x").isEmpty());
    }

    @Test
    void deleteDirectoryRemovesEverythingBelowItOnly() throws IOException {
        storage.write("tree/a", bytes("1"));
        storage.write("tree/sub/b", bytes("1"));
        storage.write("treehouse/c", bytes("1"));
        storage.deleteDirectory("tree");
        assertEquals(List.of(), storage.list("tree"));
        assertTrue(storage.read("treehouse/c").isPresent());
        storage.deleteDirectory("never-existed");
    }

    // ---- blobs ----

    @Test
    void smallBlobsAreWrittenReadAndDeleted() throws IOException {
        byte[] content = bytes("{\"schemaVersion\":2}");
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        assertEquals(Optional.empty(), storage.blobSize(digest));
        storage.writeBlob(digest, content);
        assertEquals(Optional.of((long) content.length), storage.blobSize(digest));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertTrue(storage.deleteBlob(digest));
        assertFalse(storage.deleteBlob(digest));
        assertEquals(Optional.empty(), storage.blobSize(digest));
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

    // ---- uploads ----

    @Test
    void chunksAppendInOrderAndCommitAsTheBlob() throws IOException {
        byte[] content = random(3 * 1024 * 1024 + 17, 2);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        assertEquals(0, storage.uploadSize(id));
        int first = 1024 * 1024 + 3;
        assertEquals(first, append(id, 0, slice(content, 0, first)).size());
        assertEquals(content.length, append(id, first, slice(content, first, content.length)).size());
        assertArrayEquals(content, readAll(storage.readUpload(id)));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertEquals(Optional.of((long) content.length), storage.blobSize(digest));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertThrows(NotFoundException.class, () -> storage.uploadSize(id));
    }

    @Test
    void aChunkAtTheWrongOffsetIsRefusedAndChangesNothing() throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, new ByteArrayInputStream(bytes("hello")));
        OffsetMismatchException e = assertThrows(OffsetMismatchException.class,
                () -> append(id, 2, new ByteArrayInputStream(bytes("xx"))));
        assertEquals(5, e.currentSize());
        assertEquals(5, storage.uploadSize(id));
    }

    @Test
    void aChunkWhoseStreamFailsLeavesTheUploadAsItWas() throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, new ByteArrayInputStream(bytes("kept")));
        InputStream failing = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 100_000) {
                    return 'x';
                }
                throw new IOException("client went away");
            }
        };
        assertThrows(IOException.class, () -> append(id, 4, failing));
        assertEquals(4, storage.uploadSize(id));
        assertArrayEquals(bytes("kept"), readAll(storage.readUpload(id)));
    }

    @Test
    void unknownUploadsAreNotFound() {
        String id = UUID.randomUUID().toString();
        assertThrows(NotFoundException.class, () -> storage.uploadSize(id));
        assertThrows(NotFoundException.class,
                () -> append(id, 0, new ByteArrayInputStream(bytes("x"))));
        assertThrows(NotFoundException.class, () -> storage.readUpload(id).close());
        assertThrows(NotFoundException.class,
                () -> storage.commitUpload(id, Digest.compute(DigestAlgorithm.SHA256, bytes("x")), new UploadProgress(1, "1")));
    }

    @Test
    void deletingAnUploadRemovesEverythingOfIt() throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id, bytes("info"));
        storage.appendUpload(id, storage.uploadProgress(id), new ByteArrayInputStream(bytes("data")),
                () -> Optional.of(bytes("state")));
        storage.deleteUpload(id);
        assertThrows(NotFoundException.class, () -> storage.upload(id));
        assertEquals(List.of(), storage.list(StoragePaths.UPLOADS));
        storage.deleteUpload(id); // again: a no-op
    }

    @Test
    void anUploadKeepsItsDescriptionAndTheHashStateOfExactlyItsBytes() throws IOException {
        String id = UUID.randomUUID().toString();
        UploadProgress empty = storage.createUpload(id, bytes("{\"repository\":\"a/b\"}"));
        assertEquals(empty, storage.upload(id).progress());
        assertArrayEquals(bytes("{\"repository\":\"a/b\"}"), storage.upload(id).info());
        assertTrue(storage.upload(id).hashState().isEmpty());

        UploadProgress first = storage.appendUpload(id, empty, new ByteArrayInputStream(bytes("abc")),
                () -> Optional.of(bytes("after abc")));
        StoredUpload stored = storage.upload(id);
        assertEquals(first, stored.progress());
        assertArrayEquals(bytes("after abc"), stored.hashState().orElseThrow());

        // An empty chunk changes nothing and asks for no hash state.
        assertEquals(first, storage.appendUpload(id, first, InputStream.nullInputStream(), () -> {
            throw new AssertionError("asked for the hash state of an empty chunk");
        }));
        // An append without a hash state leaves none: the old one is not of these bytes.
        UploadProgress second = storage.appendUpload(id, first, new ByteArrayInputStream(bytes("de")));
        assertTrue(storage.upload(id).hashState().isEmpty());
        assertEquals(5, second.size());
        assertArrayEquals(bytes("{\"repository\":\"a/b\"}"), storage.upload(id).info());
    }

    @Test
    void anAppendInterruptedWhileItsHashFinishesKeepsNothingOfIt() throws IOException {
        // What the hasher does when the request's thread is interrupted (the client went away).
        String id = UUID.randomUUID().toString();
        UploadProgress first = storage.appendUpload(id, storage.createUpload(id, bytes("info")),
                new ByteArrayInputStream(bytes("abc")), () -> Optional.of(bytes("after abc")));
        try {
            assertThrows(IOException.class, () -> storage.appendUpload(id, first,
                    new ByteArrayInputStream(bytes("def")), () -> {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while hashing");
                    }));
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
        assertEquals(first, storage.uploadProgress(id));
        assertArrayEquals(bytes("abc"), readAll(storage.readUpload(id)));
    }

    @Test
    void anAppendWhoseHashStateFailsKeepsNothingOfIt() throws IOException {
        String id = UUID.randomUUID().toString();
        UploadProgress empty = storage.createUpload(id, bytes("info"));
        UploadProgress first = storage.appendUpload(id, empty, new ByteArrayInputStream(bytes("abc")),
                () -> Optional.of(bytes("after abc")));
        assertThrows(IOException.class, () -> storage.appendUpload(id, first, new ByteArrayInputStream(bytes("def")),
                () -> {
                    throw new IOException("the hasher failed");
                }));
        StoredUpload stored = storage.upload(id);
        assertEquals(first, stored.progress());
        assertArrayEquals(bytes("after abc"), stored.hashState().orElseThrow());
        assertArrayEquals(bytes("abc"), readAll(storage.readUpload(id)));
    }

    @Test
    void concurrentCommitsOfTheSameBlobBothSucceed() throws Exception {
        byte[] content = random(2 * 1024 * 1024, 3);
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = UUID.randomUUID().toString();
            storage.createUpload(id);
            append(id, 0, new ByteArrayInputStream(content));
            ids.add(id);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(ids.size())) {
            List<Future<Void>> commits = new ArrayList<>();
            for (String id : ids) {
                Callable<Void> commit = () -> {
                    storage.commitUpload(id, digest, storage.uploadProgress(id));
                    return null;
                };
                commits.add(pool.submit(commit));
            }
            for (Future<Void> f : commits) {
                f.get();
            }
        }
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void smallChunksBelowFiveMiBBetweenLargerOnesMakeTheRightBlob() throws IOException {
        // Object stores take parts of at least 5 MiB (but the last): chunk sizes must not matter.
        int mib = 1024 * 1024;
        int[] chunks = {mib, 100_000, 7 * mib, 3, 6 * mib + 5, 2 * mib, 1, 11 * mib};
        byte[] content = random(java.util.Arrays.stream(chunks).sum(), 4);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        int offset = 0;
        for (int chunk : chunks) {
            assertEquals(offset + chunk, append(id, offset, slice(content, offset, offset + chunk)).size());
            offset += chunk;
            assertEquals(offset, storage.uploadSize(id));
        }
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertEquals(Optional.of((long) content.length), storage.blobSize(digest));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        byte[] middle = new byte[3 * mib];
        System.arraycopy(content, 5 * mib - 7, middle, 0, middle.length);
        assertArrayEquals(middle, readAll(storage.readBlob(digest, 5 * mib - 7, middle.length)));
    }

    @Test
    void aChunkFailingAfterSeveralMiBLeavesTheUploadUsable() throws IOException {
        int mib = 1024 * 1024;
        byte[] content = random(16 * mib + 9, 5);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        int first = 7 * mib + 1;
        append(id, 0, slice(content, 0, first));
        // A client that sends 12 MiB of other bytes and then goes away.
        InputStream failing = new InputStream() {
            private final InputStream wrong = new ByteArrayInputStream(random(12 * mib, 6));

            @Override
            public int read() throws IOException {
                int b = wrong.read();
                if (b < 0) {
                    throw new IOException("client went away");
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = wrong.read(b, off, len);
                if (n < 0) {
                    throw new IOException("client went away");
                }
                return n;
            }
        };
        assertThrows(IOException.class, () -> append(id, first, failing));
        assertEquals(first, storage.uploadSize(id));
        assertEquals(content.length, append(id, first, slice(content, first, content.length)).size());
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void aFailedChunkBeforeTheCommitLeavesTheBytesBeforeIt() throws IOException {
        int mib = 1024 * 1024;
        byte[] content = random(6 * mib + 3, 12);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, slice(content, 0, content.length));
        InputStream failing = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 6 * mib) {
                    return 'x';
                }
                throw new IOException("client went away");
            }
        };
        assertThrows(IOException.class, () -> append(id, content.length, failing));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void emptyChunksChangeNothingAndAnEmptyUploadIsAnEmptyBlob() throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        assertEquals(0, append(id, 0, InputStream.nullInputStream()).size());
        assertEquals(0, storage.uploadSize(id));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, new byte[0]);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertEquals(Optional.of(0L), storage.blobSize(digest));
        assertEquals(0, readAll(storage.readBlob(digest, 0, 0)).length);
    }

    @Test
    void anUploadReadBackCanStillBeCommitted() throws IOException {
        byte[] content = random(6 * 1024 * 1024 + 1, 13);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, slice(content, 0, content.length));
        assertArrayEquals(content, readAll(storage.readUpload(id)));
        assertArrayEquals(content, readAll(storage.readUpload(id)));
        assertEquals(content.length, storage.uploadSize(id));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void everyAppendMovesTheVersionAndAReadBackKeepsIt() throws IOException {
        byte[] content = random(6 * 1024 * 1024 + 5, 21);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress empty = storage.uploadProgress(id);
        UploadProgress first = append(id, 0, slice(content, 0, 100));
        UploadProgress second = append(id, 100, slice(content, 100, content.length));
        assertEquals(new UploadProgress(0, empty.version()), empty);
        assertEquals(100, first.size());
        assertEquals(content.length, second.size());
        assertEquals(3, List.of(empty.version(), first.version(), second.version()).stream().distinct().count());
        assertEquals(second, storage.uploadProgress(id));
        readAll(storage.readUpload(id));
        assertEquals(second, storage.uploadProgress(id));
    }

    @Test
    void aCommitForAnEarlierVersionIsRefusedAndTheUploadGoesOn() throws IOException {
        byte[] content = random(2 * 1024 * 1024 + 9, 22);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress verified = append(id, 0, slice(content, 0, 1000));
        // Another process appends after this one verified the first 1000 bytes.
        UploadProgress later = append(id, 1000, slice(content, 1000, content.length));
        Digest prefix = Digest.compute(DigestAlgorithm.SHA256, java.util.Arrays.copyOf(content, 1000));
        assertThrows(UploadChangedException.class, () -> storage.commitUpload(id, prefix, verified));
        assertEquals(Optional.empty(), storage.blobSize(prefix));
        assertEquals(later, storage.uploadProgress(id));

        Digest whole = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, whole, later);
        assertArrayEquals(content, readAll(storage.readBlob(whole, 0, content.length)));
    }

    @Test
    void aChunkForAnotherVersionOfTheSameSizeIsRefused() throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress at = append(id, 0, new ByteArrayInputStream(bytes("abc")));
        // What a process holding a hash state of other bytes of this length would send.
        assertThrows(UploadChangedException.class, () -> storage.appendUpload(id,
                new UploadProgress(at.size(), "another-version"), new ByteArrayInputStream(bytes("def"))));
        assertThrows(UploadChangedException.class, () -> storage.appendUpload(id,
                new UploadProgress(at.size(), "another-version"), InputStream.nullInputStream()));
        assertEquals(at, storage.uploadProgress(id));
        assertArrayEquals(bytes("abc"), readAll(storage.readUpload(id)));
    }

    // ---- helpers ----

    /** Appends at {@code offset} as a client that knows the upload's current version. */
    protected UploadProgress append(String id, long offset, InputStream data) throws IOException {
        return storage.appendUpload(id, new UploadProgress(offset, storage.uploadProgress(id).version()), data);
    }

    protected Digest commitUpload(byte[] content) throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
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

    private static InputStream slice(byte[] content, int from, int to) {
        return new ByteArrayInputStream(content, from, to - from);
    }

    protected static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
