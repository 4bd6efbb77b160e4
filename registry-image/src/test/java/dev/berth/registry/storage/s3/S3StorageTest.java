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
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.BlobStoreContract;
import dev.berth.registry.storage.BlobVersionsContract;
import dev.berth.registry.storage.MetadataStoreContract;
import dev.berth.registry.storage.StorageFixture;
import dev.berth.registry.storage.StoreCalls;
import dev.berth.registry.storage.UploadStoreContract;
import dev.berth.registry.storage.StoredBlob;
import dev.berth.registry.upload.StaleUploads;
import dev.berth.registry.upload.UploadRecord;
import dev.berth.registry.upload.Uploads;
import java.io.ByteArrayInputStream;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** The storage contract, and what is particular to S3, against S3Proxy on 127.0.0.1 (races: S3UploadRacesTest). */
class S3StorageTest extends StorageFixture {

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

    @Nested
    class MetadataContract extends MetadataStoreContract {
        @Override
        protected Storage newStorage() throws Exception {
            return S3StorageTest.this.newStorage();
        }
    }

    @Nested
    class BlobContract extends BlobStoreContract {
        @Override
        protected Storage newStorage() throws Exception {
            return S3StorageTest.this.newStorage();
        }
    }

    @Nested
    class BlobVersions extends BlobVersionsContract {
        @Override
        protected Storage newStorage() throws Exception {
            return S3StorageTest.this.newStorage();
        }
    }

    @Nested
    class UploadContract extends UploadStoreContract {
        @Override
        protected Storage newStorage() throws Exception {
            return S3StorageTest.this.newStorage();
        }
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
        StoreCalls.createUpload(storage, id);
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
        StoreCalls.createUpload(storage, id);
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
        StoreCalls.createUpload(storage, id);
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

        StaleUploads later = new StaleUploads(storage, Clock.offset(Clock.systemUTC(), Duration.ofDays(8)));
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
}
