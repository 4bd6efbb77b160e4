package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageContract;
import dev.berth.registry.storage.StoredBlob;
import dev.berth.registry.storage.UploadChangedException;
import dev.berth.registry.storage.UploadProgress;
import dev.berth.registry.upload.UploadRecord;
import dev.berth.registry.upload.Uploads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** The storage contract, and what is particular to S3, against S3Proxy on 127.0.0.1. */
class S3StorageTest extends StorageContract {

    private static final long PART = 5L * 1024 * 1024;
    private static S3ProxyFixture s3;
    private static String bucket;

    private final List<String> operations = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> uploadedBytes = Collections.synchronizedList(new ArrayList<>());
    private String root;

    @BeforeAll
    static void server() throws Exception {
        s3 = S3ProxyFixture.get();
        bucket = s3.newBucket();
    }

    @Override
    protected Storage newStorage() {
        root = S3ProxyFixture.uniqueRoot();
        return new S3Storage(recordingClient(), null, bucket, "/" + root + "/", PART, false, "STANDARD");
    }

    /** A client that notes each operation and the size of each upload body. */
    private S3Client recordingClient() {
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                SdkRequest request = context.request();
                if (request instanceof PutObjectRequest put && put.contentLength() != null) {
                    uploadedBytes.add(put.contentLength());
                } else if (request instanceof UploadPartRequest part && part.contentLength() != null) {
                    uploadedBytes.add(part.contentLength());
                }
            }
        };
        return S3ProxyFixture.client(s3.endpoint(), recorder);
    }

    @Test
    void settingsBuildAWorkingStorage() throws Exception {
        try (Storage fromSettings = S3StorageFactory.create(s3.settings(bucket, root, PART), true)) {
            fromSettings.write("x/y", bytes("from settings"));
            assertArrayEquals(bytes("from settings"), storage.read("x/y").orElseThrow());
        }
    }

    @Test
    void committingMovesNoBlobData() throws Exception {
        byte[] content = random((int) (3 * PART + 12345), 7);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, new ByteArrayInputStream(content));
        operations.clear();
        uploadedBytes.clear();

        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        storage.commitUpload(id, digest, storage.uploadProgress(id));

        assertFalse(operations.contains("UploadPart"), operations.toString());
        assertFalse(operations.contains("UploadPartCopy"), operations.toString());
        assertFalse(operations.contains("CopyObject"), operations.toString());
        assertTrue(operations.contains("CompleteMultipartUpload"), operations.toString());
        assertTrue(uploadedBytes.stream().allMatch(n -> n < 1024), "only small objects written: " + uploadedBytes);
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void aBlobSmallerThanAPartIsCommittedWithoutAMultipartUpload() throws Exception {
        byte[] content = random(100_000, 8);
        Digest digest = commitUpload(content);
        assertFalse(operations.contains("CreateMultipartUpload"), operations.toString());
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
    }

    @Test
    void deletedUploadsLeaveNoMultipartUploadOrData() throws Exception {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, new ByteArrayInputStream(random((int) (PART + 10), 9)));
        assertEquals(1, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());
        storage.deleteUpload(id);
        assertEquals(0, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());
        assertEquals(0, s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/blobdata/" + id)).keyCount());
    }

    @Test
    void committedUploadsLeaveOnlyTheBlobData() throws Exception {
        byte[] content = random((int) (2 * PART + 3), 10);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, new ByteArrayInputStream(content, 0, 1000));
        append(id, 1000, new ByteArrayInputStream(content, 1000, content.length - 1000));
        storage.commitUpload(id, Digest.compute(DigestAlgorithm.SHA256, content), storage.uploadProgress(id));
        List<String> keys = s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/")).contents().stream()
                .map(o -> o.key().substring(root.length() + 1)).toList();
        assertEquals(List.of("blobdata/" + id + "/data", "blobs/sha256/" + Digest.compute(DigestAlgorithm.SHA256,
                content).hex()), keys);
        assertEquals(0, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());
    }

    @Test
    void blobRedirectsArePresignedUrlsThatServeTheBlob() throws Exception {
        byte[] content = random(70_000, 11);
        Digest digest = commitUpload(content);
        try (Storage redirecting = S3StorageFactory.create(s3.settings(bucket, root, PART), true)) {
            StoredBlob blob = redirecting.findBlob(digest).orElseThrow();
            assertEquals(content.length, blob.size());
            URI url = redirecting.blobRedirect(blob, Duration.ofMinutes(20)).orElseThrow();
            assertTrue(url.getQuery().contains("X-Amz-Signature"), url.toString());
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode());
                assertArrayEquals(content, response.body());
            }
            Digest missing = Digest.compute(DigestAlgorithm.SHA256, bytes("missing"));
            assertTrue(redirecting.findBlob(missing).isEmpty());
        }
        assertTrue(storage.blobRedirect(storage.findBlob(digest).orElseThrow(), Duration.ofMinutes(1)).isEmpty(),
                "no presigner, no redirect");
    }

    @Test
    void thePurgeOfStaleUploadsAbortsTheirMultipartUploadsAndRemovesTheirObjects() throws Exception {
        Catalog catalog = new Catalog(storage);
        Uploads uploads = new Uploads(storage, new RepositoryBlobs(storage, catalog), Clock.systemUTC());
        UploadRecord stale = uploads.start("purge/me");
        uploads.append(stale, new ByteArrayInputStream(random((int) (PART + 100), 14)));
        assertEquals(1, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());

        Uploads later = new Uploads(storage, new RepositoryBlobs(storage, catalog),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(8)));
        assertEquals(1, later.purgeOlderThan(Duration.ofDays(7)));
        assertEquals(0, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());
        assertEquals(0, s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/uploads/")).keyCount());
        assertEquals(0, s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/blobdata/")).keyCount());
    }

    @Test
    void keysStayBelowTheRootDirectory() throws Exception {
        storage.write("a/b", bytes("1"));
        assertEquals(1, s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/a/b")).keyCount());
    }
    @Test
    void ofTwoProcessesAppendingAtTheSameOffsetOnlyTheFirstToSaveItsStateWins() throws Exception {
        // After a first part, process A streams one more part and a bit. Once its part 2 is in
        // S3 and its tail is still arriving, process B appends other bytes at the same offset
        // (it read the state before A saved), overwriting A's part 2 of the same multipart
        // upload, and saves first. A's tail part then overwrites B's; A's save is refused.
        byte[] first = random((int) PART, 30);
        byte[] a = random((int) PART + 1000, 31);
        byte[] b = random((int) PART + 1000, 32);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress afterFirst = append(id, 0, new ByteArrayInputStream(first));
        try (Storage other = otherInstance()) {
            InputStream racing = new ByteArrayInputStream(a) {
                private boolean raced;

                @Override
                public synchronized int read(byte[] buffer, int offset, int length) {
                    if (!raced && pos >= PART) {
                        raced = true;
                        try {
                            other.appendUpload(id, afterFirst, new ByteArrayInputStream(b));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return super.read(buffer, offset, length);
                }
            };
            assertThrows(UploadChangedException.class, () -> storage.appendUpload(id, afterFirst, racing));

            byte[] whole = concat(first, b);
            Digest digestB = Digest.compute(DigestAlgorithm.SHA256, whole);
            storage.commitUpload(id, digestB, storage.uploadProgress(id));
            assertArrayEquals(whole, readAll(storage.readBlob(digestB, 0, whole.length)),
                    "B's commit re-uploads its tail part from its tail object");
            assertTrue(storage.findBlob(Digest.compute(DigestAlgorithm.SHA256, concat(first, a))).isEmpty());
        }
    }

    @Test
    void aChunkInFlightWhileItsSmallUploadIsCommittedElsewhereChangesNothing() throws Exception {
        // The blob is smaller than a part, so its only object (the tail) becomes the blob. A
        // late chunk on another instance read the state before the commit and saves after it.
        byte[] content = random(100_000, 50);
        assertALateChunkLosesToTheCommit(content);
    }

    @Test
    void aChunkInFlightWhileItsMultipartUploadIsCommittedElsewhereChangesNothing() throws Exception {
        // The late chunk also overwrites the tail's part before the commit completes the
        // multipart upload: the commit notices (ETag) and uploads the tail part again.
        byte[] content = random((int) PART + 1000, 51);
        assertALateChunkLosesToTheCommit(content);
    }

    private void assertALateChunkLosesToTheCommit(byte[] content) throws Exception {
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress committed = append(id, 0, new ByteArrayInputStream(content));
        AtomicBoolean commitNow = new AtomicBoolean(true);
        ExecutionInterceptor commitBeforeStateWrite = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put && put.key().endsWith("/s3state")
                        && commitNow.getAndSet(false)) {
                    try {
                        storage.commitUpload(id, digest, committed);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (Storage late = otherInstance(commitBeforeStateWrite)) {
            assertThrows(NotFoundException.class,
                    () -> late.appendUpload(id, committed, new ByteArrayInputStream(random(1000, 52))));
        }
        assertFalse(commitNow.get(), "the commit ran while the chunk was in flight");
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertThrows(NotFoundException.class, () -> storage.uploadProgress(id), "the upload stays ended");
        storage.deleteUpload(id); // as the purge would, had the chunk revived the upload
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertEquals(List.of("blobdata/" + id + "/", "blobs/"), topLevelAndUploadKeys(id));
        assertEquals(0, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());
    }

    @Test
    void twoInstancesCommittingTheSameUploadBothSucceed() throws Exception {
        byte[] content = random((int) PART + 2000, 53);
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress at = append(id, 0, new ByteArrayInputStream(content));
        AtomicBoolean otherCommits = new AtomicBoolean(true);
        ExecutionInterceptor commitAlsoAfterComplete = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof CompleteMultipartUploadRequest && otherCommits.getAndSet(false)) {
                    try {
                        storage.commitUpload(id, digest, at);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (Storage first = otherInstance(commitAlsoAfterComplete)) {
            first.commitUpload(id, digest, at);
        }
        assertFalse(otherCommits.get());
        assertArrayEquals(content, readAll(storage.readBlob(digest, 0, content.length)));
        assertEquals(List.of("blobdata/" + id + "/", "blobs/"), topLevelAndUploadKeys(id));
    }

    @Test
    void aCancelRacingAChunkEndsTheUploadForGood() throws Exception {
        // The chunk read the state before the cancel; its state write comes after it.
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadProgress at = append(id, 0, new ByteArrayInputStream(random((int) PART + 10, 54)));
        AtomicBoolean cancelNow = new AtomicBoolean(true);
        ExecutionInterceptor cancelBeforeStateWrite = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutObjectRequest put && put.key().endsWith("/s3state")
                        && cancelNow.getAndSet(false)) {
                    try {
                        storage.deleteUpload(id);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (Storage late = otherInstance(cancelBeforeStateWrite)) {
            assertThrows(IOException.class,
                    () -> late.appendUpload(id, at, new ByteArrayInputStream(random((int) PART, 55))));
        }
        assertThrows(NotFoundException.class, () -> storage.uploadProgress(id));
        assertEquals(0, s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/uploads/" + id)).keyCount());
        assertEquals(0, s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/blobdata/" + id)).keyCount());
        assertEquals(0, s3.admin().listMultipartUploads(b -> b.bucket(bucket).prefix(root + "/")).uploads().size());
    }

    @Test
    void anUploadIdIsNeverCreatedTwice() throws Exception {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        append(id, 0, new ByteArrayInputStream(bytes("kept")));
        assertThrows(IOException.class, () -> storage.createUpload(id));
        assertEquals(4, storage.uploadSize(id));
    }

    /** Another registry process on the same bucket and root. */
    private Storage otherInstance(ExecutionInterceptor... interceptors) {
        return new S3Storage(S3ProxyFixture.client(s3.endpoint(), interceptors), null, bucket, "/" + root + "/",
                PART, false, "STANDARD");
    }

    /** The first level below the root, plus anything left under uploads/ or of this upload's data. */
    private List<String> topLevelAndUploadKeys(String id) {
        List<String> keys = new ArrayList<>();
        s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/").delimiter("/")).commonPrefixes()
                .forEach(p -> keys.add(p.prefix().substring(root.length() + 1)));
        s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/uploads/")).contents()
                .forEach(o -> keys.add(o.key().substring(root.length() + 1)));
        long dataObjects = s3.admin().listObjectsV2(b -> b.bucket(bucket).prefix(root + "/blobdata/" + id + "/"))
                .keyCount();
        assertEquals(1, dataObjects, "only the blob's data object is left of the upload");
        return keys.stream().map(k -> k.startsWith("blobdata/") ? "blobdata/" + id + "/" : k).distinct().toList();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] whole = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, whole, a.length, b.length);
        return whole;
    }

    @Test
    void anUploadCancelledWhileItIsCommittedLeavesNoPointerToMissingData() throws Exception {
        // Instance A completes the multipart upload; before it writes the pointer, a DELETE of
        // the upload on instance B (a client giving up on a slow PUT) removes the data.
        byte[] content = random((int) PART + 500, 41);
        Digest digest = Digest.compute(DigestAlgorithm.SHA256, content);
        String id = UUID.randomUUID().toString();
        AtomicBoolean cancel = new AtomicBoolean();
        ExecutionInterceptor cancelAfterComplete = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof CompleteMultipartUploadRequest && cancel.getAndSet(false)) {
                    try {
                        storage.deleteUpload(id);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (Storage committing = otherInstance(cancelAfterComplete)) {
            committing.createUpload(id);
            UploadProgress at = committing.appendUpload(id, committing.uploadProgress(id),
                    new ByteArrayInputStream(content));
            cancel.set(true);
            assertThrows(NotFoundException.class, () -> committing.commitUpload(id, digest, at));
            assertTrue(storage.findBlob(digest).isEmpty(), "a pointer to deleted data would answer HEAD 200 forever");
        }
    }
}
