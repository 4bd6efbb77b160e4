package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.StoreCalls;
import dev.berth.registry.storage.UploadChangedException;
import dev.berth.registry.storage.UploadProgress;
import dev.berth.registry.testing.Blobs;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Requests on one upload racing through two registry processes ({@code a} and {@code b}, two
 * storages on one bucket and root). Each race is forced: a hook runs the other process's request
 * just before a chosen S3 call of the first, so every interleaving is played out exactly.
 */
class S3UploadRacesTest {

    private static final long PART = 5L * 1024 * 1024;
    private static S3ProxyFixture s3;
    private static String bucket;

    private final Hook hookA = new Hook();
    private final Hook hookB = new Hook();
    private String root;
    private S3Storage a;
    private S3Storage b;

    /** Runs an action once, just before the first S3 request that matches. */
    private static final class Hook implements ExecutionInterceptor {
        private volatile Predicate<SdkRequest> when;
        private volatile Action action;

        void before(Predicate<SdkRequest> when, Action action) {
            this.when = when;
            this.action = action;
        }

        boolean fired() {
            return action == null;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            Action run = action;
            if (run != null && when.test(context.request())) {
                action = null;
                try {
                    run.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    @BeforeAll
    static void server() throws Exception {
        s3 = S3ProxyFixture.get();
        bucket = s3.newBucket();
    }

    @BeforeEach
    void twoProcesses() {
        root = S3ProxyFixture.uniqueRoot();
        a = new S3Storage(S3ProxyFixture.client(s3.endpoint(), hookA), null, bucket, root, PART, false, "STANDARD");
        b = new S3Storage(S3ProxyFixture.client(s3.endpoint(), hookB), null, bucket, root, PART, false, "STANDARD");
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    // ---- chunks racing chunks ----

    @Test
    void ofTwoChunksForTheSameOffsetOnlyTheFirstToSaveItsStateWins() throws Exception {
        // After a first part, a streams one more part and a bit. Once its part 2 is in S3 and its
        // tail is still arriving, b appends other bytes at the same offset (it read the state
        // before a saved), overwriting a's part 2, and saves first. a's tail part then
        // overwrites b's; a's save is refused.
        byte[] first = random((int) PART, 30);
        byte[] bytesA = random((int) PART + 1000, 31);
        byte[] bytesB = random((int) PART + 1000, 32);
        String id = started();
        UploadProgress afterFirst = appended(id, first);
        InputStream racing = new ByteArrayInputStream(bytesA) {
            private boolean raced;

            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                if (!raced && pos >= PART) {
                    raced = true;
                    try {
                        StoreCalls.appendUpload(b, id, afterFirst, new ByteArrayInputStream(bytesB));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return super.read(buffer, offset, length);
            }
        };
        assertThrows(UploadChangedException.class, () -> StoreCalls.appendUpload(a, id, afterFirst, racing));

        byte[] whole = concat(first, bytesB);
        Digest digestB = sha256(whole);
        a.commitUpload(id, digestB, a.uploadProgress(id));
        assertArrayEquals(whole, a.readBlob(digestB, 0, whole.length).readAllBytes(),
                "the commit uploads b's tail part again from b's tail object");
        assertTrue(a.findBlob(sha256(concat(first, bytesA))).isEmpty());
    }

    @Test
    void aChunkWhoseTailAnotherChunkReplacedIsRefusedWithA4xx() throws Exception {
        String id = started();
        UploadProgress at = appended(id, random((int) PART + 1000, 1));
        hookA.before(getOf("/tail-"), () -> StoreCalls.appendUpload(b, id, at, new ByteArrayInputStream(random(1000, 2))));
        assertThrows(UploadChangedException.class,
                () -> StoreCalls.appendUpload(a, id, at, new ByteArrayInputStream(random(1000, 3))));
        assertTrue(hookA.fired());
        assertEquals(PART + 2000, StoreCalls.uploadSize(b, id), "b's chunk stands");
    }

    // ---- chunks racing the commit ----

    @Test
    void aChunkInFlightWhileItsSmallUploadIsCommittedElsewhereChangesNothing() throws Exception {
        // Smaller than a part: the upload's only object (its tail) becomes the blob.
        assertALateChunkLosesToTheCommit(random(100_000, 50));
    }

    @Test
    void aChunkInFlightWhileItsMultipartUploadIsCommittedElsewhereChangesNothing() throws Exception {
        // The late chunk also overwrites the tail's part before the commit completes the
        // multipart upload: the commit notices (ETag) and uploads the tail part again.
        assertALateChunkLosesToTheCommit(random((int) PART + 1000, 51));
    }

    /** a's chunk read the state before b's commit, and writes its state after it. */
    private void assertALateChunkLosesToTheCommit(byte[] content) throws Exception {
        Digest digest = sha256(content);
        String id = started();
        UploadProgress committed = appended(id, content);
        hookA.before(putOf("/s3state"), () -> b.commitUpload(id, digest, committed));
        assertThrows(NotFoundException.class,
                () -> StoreCalls.appendUpload(a, id, committed, new ByteArrayInputStream(random(1000, 52))));
        assertTrue(hookA.fired());
        assertArrayEquals(content, a.readBlob(digest, 0, content.length).readAllBytes());
        assertThrows(NotFoundException.class, () -> a.uploadProgress(id), "the upload stays ended");
        a.deleteUpload(id); // as the purge would, had the chunk revived the upload
        assertArrayEquals(content, a.readBlob(digest, 0, content.length).readAllBytes());
        assertEquals(1, keys("blobdata/" + id + "/").size(), "only the blob's data object: " + keys("blobdata/"));
        assertEquals(List.of(), keys("uploads/"));
        assertEquals(0, multipartUploads());
    }

    @Test
    void aDelayedCommitOfTheEmptyUploadCannotOverwriteTheBlobItLaterBecame() throws Exception {
        // a's PUT ?digest=<empty> read the empty state and stalls; meanwhile b receives the
        // upload's bytes and commits them. a's commit then fails and leaves the blob intact.
        String id = started();
        UploadProgress empty = a.uploadProgress(id);
        byte[] content = random((int) PART + 1000, 13);
        Digest digest = sha256(content);
        hookA.before(putOf("/blobdata/"), () -> {
            UploadProgress full = StoreCalls.appendUpload(b, id, empty, new ByteArrayInputStream(content));
            b.commitUpload(id, digest, full);
        });
        assertThrows(NotFoundException.class, () -> a.commitUpload(id, sha256(new byte[0]), empty));
        assertTrue(hookA.fired());
        assertArrayEquals(content, a.readBlob(digest, 0, content.length).readAllBytes());
        assertEquals(content.length, a.findBlob(digest).orElseThrow().size());
    }

    @Test
    void commitRepairingTheTailPartOfAStateAnotherChunkReplacedIsRefusedWithA4xx() throws Exception {
        String id = started();
        byte[] content = random((int) PART + 1000, 4);
        UploadProgress at = appended(id, content);
        hookA.before(CompleteMultipartUploadRequest.class::isInstance,
                () -> StoreCalls.appendUpload(b, id, at, new ByteArrayInputStream(random(1000, 5))));
        assertThrows(UploadChangedException.class, () -> a.commitUpload(id, sha256(content), at));
        assertTrue(a.findBlob(sha256(content)).isEmpty());
    }

    // ---- commits racing commits ----

    @Test
    void twoProcessesCommittingTheSameUploadBothSucceed() throws Exception {
        byte[] content = random((int) PART + 2000, 53);
        Digest digest = sha256(content);
        String id = started();
        UploadProgress at = appended(id, content);
        hookA.before(putOf("/s3state"), () -> b.commitUpload(id, digest, at));
        a.commitUpload(id, digest, at);
        assertTrue(hookA.fired());
        assertArrayEquals(content, a.readBlob(digest, 0, content.length).readAllBytes());
        assertEquals(1, keys("blobdata/" + id + "/").size());
        assertEquals(List.of(), keys("uploads/"));
    }

    @Test
    void aCommitThatLosesToACommitThatStopsBeforeItsPointerFinishesIt() throws Exception {
        // b's commit read the open state; a's commit ends the upload but fails (dies) before
        // writing the blob's pointer. b's commit answers success only with the pointer written.
        byte[] content = random(100_000, 7);
        Digest digest = sha256(content);
        String id = started();
        UploadProgress at = appended(id, content);
        List<Exception> aFailed = new ArrayList<>();
        hookB.before(putOf("/s3state"), () -> {
            hookA.before(putOf("/blobs/"), () -> {
                throw SdkClientException.create("process a stops before writing the pointer");
            });
            try {
                a.commitUpload(id, digest, at);
            } catch (IOException e) {
                aFailed.add(e);
            }
        });
        b.commitUpload(id, digest, at);
        assertEquals(1, aFailed.size(), "a's commit failed after ending the upload");
        assertArrayEquals(content, b.readBlob(digest, 0, content.length).readAllBytes());
    }

    @Test
    void thePurgeFinishesACommitThatStoppedBeforeItsPointer() throws Exception {
        byte[] content = random((int) PART + 10, 8);
        Digest digest = sha256(content);
        String id = started();
        UploadProgress at = appended(id, content);
        hookA.before(putOf("/blobs/"), () -> {
            throw SdkClientException.create("process a stops before writing the pointer");
        });
        assertThrows(IOException.class, () -> a.commitUpload(id, digest, at));
        assertTrue(b.findBlob(digest).isEmpty());
        b.deleteUpload(id); // what the purge does with an old upload
        assertArrayEquals(content, b.readBlob(digest, 0, content.length).readAllBytes());
        assertEquals(List.of(), keys("uploads/"));
    }

    // ---- cancels ----

    @Test
    void aCancelRacingAChunkEndsTheUploadForGood() throws Exception {
        String id = started();
        UploadProgress at = appended(id, random((int) PART + 10, 54));
        hookA.before(putOf("/s3state"), () -> b.deleteUpload(id));
        assertThrows(NotFoundException.class,
                () -> StoreCalls.appendUpload(a, id, at, new ByteArrayInputStream(random((int) PART, 55))));
        assertThrows(NotFoundException.class, () -> a.uploadProgress(id));
        assertEquals(List.of(), keys("uploads/" + id));
        assertEquals(List.of(), keys("blobdata/" + id));
        assertEquals(0, multipartUploads());
    }

    @Test
    void aChunkWhoseUploadIsCancelledWhileItReadsTheTailIs404() throws Exception {
        String id = started();
        UploadProgress at = appended(id, random(1000, 1));
        hookA.before(getOf("/tail-"), () -> b.deleteUpload(id));
        assertThrows(NotFoundException.class, () -> StoreCalls.appendUpload(a, id, at, new ByteArrayInputStream(random(1000, 3))));
        assertEquals(List.of(), keys("blobdata/" + id));
    }

    @Test
    void readingBackAnUploadThatIsCancelledMeanwhileIs404() throws Exception {
        String id = started();
        appended(id, random(1000, 6));
        hookA.before(getOf("/blobdata/"), () -> b.deleteUpload(id));
        assertThrows(NotFoundException.class, () -> a.readUpload(id).readAllBytes());
    }

    @Test
    void anUploadCancelledWhileItIsCommittedLeavesNoPointerToMissingData() throws Exception {
        // a completes the multipart upload; before it ends the upload, a DELETE on b (a client
        // giving up on a slow PUT) removes the data.
        byte[] content = random((int) PART + 500, 41);
        Digest digest = sha256(content);
        String id = started();
        UploadProgress at = appended(id, content);
        hookA.before(putOf("/s3state"), () -> b.deleteUpload(id));
        assertThrows(NotFoundException.class, () -> a.commitUpload(id, digest, at));
        assertTrue(b.findBlob(digest).isEmpty(), "a pointer to deleted data would answer HEAD 200 forever");
    }

    // ---- failures leave nothing behind ----

    @Test
    void aChunkThatFailsMidStreamLeavesNoMultipartUpload() throws Exception {
        // The client goes away after the chunk's first part is in S3.
        String id = started();
        byte[] content = random((int) PART + 100_000, 8);
        InputStream failing = new FilterInputStream(new ByteArrayInputStream(content)) {
            private long position;

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (position >= PART + 50_000) {
                    throw new IOException("client went away");
                }
                int n = super.read(buffer, offset, (int) Math.min(length, PART + 50_000 - position));
                position += Math.max(n, 0);
                return n;
            }
        };
        assertThrows(IOException.class, () -> StoreCalls.appendUpload(a, id, a.uploadProgress(id), failing));
        assertEquals(0, StoreCalls.uploadSize(a, id));
        assertEquals(0, multipartUploads(), "no state names it: nothing else would ever abort it");
        assertEquals(List.of(), keys("blobdata/" + id));
    }

    @Test
    void aChunkWhoseStateWriteFailsLeavesNothingOfItsOwn() throws Exception {
        // The state write fails without reaching S3 (a timeout, a 503), after a cancel.
        String id = started();
        hookA.before(putOf("/s3state"), () -> {
            b.deleteUpload(id);
            throw SdkClientException.create("S3 did not answer the state write");
        });
        assertThrows(IOException.class, () -> StoreCalls.appendUpload(a, id, a.uploadProgress(id),
                new ByteArrayInputStream(random((int) PART + 1000, 9))));
        assertEquals(0, multipartUploads());
        assertEquals(List.of(), keys("blobdata/" + id));
    }

    @Test
    void anUploadIdIsNeverCreatedTwice() throws Exception {
        String id = started();
        appended(id, new byte[4]);
        assertThrows(IOException.class, () -> StoreCalls.createUpload(b, id));
        assertEquals(4, StoreCalls.uploadSize(a, id));
    }

    // ---- helpers ----

    private String started() throws IOException {
        String id = UUID.randomUUID().toString();
        StoreCalls.createUpload(a, id);
        return id;
    }

    /** Appends {@code content} through a where the upload stands. */
    private UploadProgress appended(String id, byte[] content) throws IOException {
        return StoreCalls.appendUpload(a, id, a.uploadProgress(id), new ByteArrayInputStream(content));
    }

    private static Predicate<SdkRequest> putOf(String keyPart) {
        return r -> r instanceof PutObjectRequest p && p.key().contains(keyPart);
    }

    private static Predicate<SdkRequest> getOf(String keyPart) {
        return r -> r instanceof GetObjectRequest g && g.key().contains(keyPart);
    }

    /** Keys below the root that start with {@code prefix}, without the root. */
    private List<String> keys(String prefix) {
        return s3.admin().listObjectsV2Paginator(x -> x.bucket(bucket).prefix(root + "/" + prefix)).contents()
                .stream().map(o -> o.key().substring(root.length() + 1)).toList();
    }

    private int multipartUploads() {
        return s3.admin().listMultipartUploads(x -> x.bucket(bucket).prefix(root + "/")).uploads().size();
    }

    private static Digest sha256(byte[] content) {
        return Digest.compute(DigestAlgorithm.SHA256, content);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] whole = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, whole, first.length, second.length);
        return whole;
    }

    private static byte[] random(int size, long seed) {
        return Blobs.random(size, seed);
    }
}
