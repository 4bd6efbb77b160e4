package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What every backend's {@link UploadStore} must do: appends all or nothing, versions, hash state, commits without copies. */
public abstract class UploadStoreContract extends StorageFixture {

    @Test
    void chunksAppendInOrderAndCommitAsTheBlob() throws IOException {
        byte[] content = random(3 * 1024 * 1024 + 17, 2);
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
        assertEquals(0, StoreCalls.uploadSize(storage, id));
        int first = 1024 * 1024 + 3;
        assertEquals(first, append(id, 0, slice(content, 0, first)).size());
        assertEquals(content.length, append(id, first, slice(content, first, content.length)).size());
        assertArrayEquals(content, readAll(storage.readUpload(id)));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertEquals(Optional.of((long) content.length), StoreCalls.blobSize(storage, digest));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertThrows(NotFoundException.class, () -> StoreCalls.uploadSize(storage, id));
    }

    @Test
    void aChunkAtTheWrongOffsetIsRefusedAndChangesNothing() throws IOException {
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
        append(id, 0, new ByteArrayInputStream(bytes("hello")));
        OffsetMismatchException e = assertThrows(OffsetMismatchException.class,
                () -> append(id, 2, new ByteArrayInputStream(bytes("xx"))));
        assertEquals(5, e.currentSize());
        assertEquals(5, StoreCalls.uploadSize(storage, id));
    }

    @Test
    void aChunkWhoseStreamFailsLeavesTheUploadAsItWas() throws IOException {
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
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
        assertEquals(4, StoreCalls.uploadSize(storage, id));
        assertArrayEquals(bytes("kept"), readAll(storage.readUpload(id)));
    }

    @Test
    void unknownUploadsAreNotFound() {
        String id = UUID.randomUUID().toString();
        assertThrows(NotFoundException.class, () -> StoreCalls.uploadSize(storage, id));
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
        UploadProgress second = StoreCalls.appendUpload(storage, id, first, new ByteArrayInputStream(bytes("de")));
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
            StoreCalls.createUpload(storage, id);
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
        StoreCalls.createUpload(storage, id);
        int offset = 0;
        for (int chunk : chunks) {
            assertEquals(offset + chunk, append(id, offset, slice(content, offset, offset + chunk)).size());
            offset += chunk;
            assertEquals(offset, StoreCalls.uploadSize(storage, id));
        }
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertEquals(Optional.of((long) content.length), StoreCalls.blobSize(storage, digest));
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
        StoreCalls.createUpload(storage, id);
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
        assertEquals(first, StoreCalls.uploadSize(storage, id));
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
        StoreCalls.createUpload(storage, id);
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
        StoreCalls.createUpload(storage, id);
        assertEquals(0, append(id, 0, InputStream.nullInputStream()).size());
        assertEquals(0, StoreCalls.uploadSize(storage, id));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, new byte[0]);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertEquals(Optional.of(0L), StoreCalls.blobSize(storage, digest));
        assertEquals(0, readAll(storage.readBlob(digest, 0, 0)).length);
    }

    @Test
    void anUploadReadBackCanStillBeCommitted() throws IOException {
        byte[] content = random(6 * 1024 * 1024 + 1, 13);
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
        append(id, 0, slice(content, 0, content.length));
        assertArrayEquals(content, readAll(storage.readUpload(id)));
        assertArrayEquals(content, readAll(storage.readUpload(id)));
        assertEquals(content.length, StoreCalls.uploadSize(storage, id));
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void everyAppendMovesTheVersionAndAReadBackKeepsIt() throws IOException {
        byte[] content = random(6 * 1024 * 1024 + 5, 21);
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
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
        StoreCalls.createUpload(storage, id);
        UploadProgress verified = append(id, 0, slice(content, 0, 1000));
        // Another process appends after this one verified the first 1000 bytes.
        UploadProgress later = append(id, 1000, slice(content, 1000, content.length));
        Digest prefix = Digest.compute(DigestAlgorithm.SHA256, java.util.Arrays.copyOf(content, 1000));
        assertThrows(UploadChangedException.class, () -> storage.commitUpload(id, prefix, verified));
        assertEquals(Optional.empty(), StoreCalls.blobSize(storage, prefix));
        assertEquals(later, storage.uploadProgress(id));

        Digest whole = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, whole, later);
        assertArrayEquals(content, readAll(storage.readBlob(whole, 0, content.length)));
    }

    @Test
    void aChunkForAnotherVersionOfTheSameSizeIsRefused() throws IOException {
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(storage, id);
        UploadProgress at = append(id, 0, new ByteArrayInputStream(bytes("abc")));
        // What a process holding a hash state of other bytes of this length would send.
        assertThrows(UploadChangedException.class, () -> StoreCalls.appendUpload(storage, id,
                new UploadProgress(at.size(), "another-version"), new ByteArrayInputStream(bytes("def"))));
        assertThrows(UploadChangedException.class, () -> StoreCalls.appendUpload(storage, id,
                new UploadProgress(at.size(), "another-version"), InputStream.nullInputStream()));
        assertEquals(at, storage.uploadProgress(id));
        assertArrayEquals(bytes("abc"), readAll(storage.readUpload(id)));
    }
}
