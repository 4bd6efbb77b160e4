package dev.berth.registry.storage.s3;

import static dev.berth.registry.storage.s3.S3Failures.call;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Requests on the bucket's objects by bucket key (see {@link S3Keys}), shared by the storage,
 * the blob pointers, the upload states and the upload data. Every object is written with the
 * bucket's encryption setting, blob data also with its storage class.
 */
final class S3Objects {

    private static final Logger LOG = LoggerFactory.getLogger(S3Objects.class);
    static final String OCTET_STREAM = "application/octet-stream";

    private final S3Client s3;
    private final String bucket;
    private final ServerSideEncryption encryption;
    private final StorageClass storageClass;

    /** @param storageClass for blob data, or null for the bucket's default */
    S3Objects(S3Client s3, String bucket, ServerSideEncryption encryption, StorageClass storageClass) {
        this.s3 = s3;
        this.bucket = bucket;
        this.encryption = encryption;
        this.storageClass = storageClass;
    }

    S3Client client() {
        return s3;
    }

    String bucket() {
        return bucket;
    }

    ServerSideEncryption encryption() {
        return encryption;
    }

    StorageClass storageClass() {
        return storageClass;
    }

    // ---- reading ----

    /** The whole object, or empty when there is none; any other failure is an IOException. */
    Optional<ResponseBytes<GetObjectResponse>> getIfPresent(String key) throws IOException {
        return ifPresent("GET", key, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
    }

    /** The object's bytes, or empty when there is none. */
    Optional<byte[]> bytesIfPresent(String key) throws IOException {
        return getIfPresent(key).map(ResponseBytes::asByteArray);
    }

    /** The object's size, or empty when there is none. */
    Optional<Long> sizeIfPresent(String key) throws IOException {
        return ifPresent("HEAD", key, () -> s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
    }

    /** {@code length > 0} bytes of the object from {@code offset}, or empty when there is no such object. */
    Optional<InputStream> rangeIfPresent(String key, long offset, long length) throws IOException {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        return ifPresent("GET", key, () -> new RangeStream(s3.getObject(b -> b.bucket(bucket).key(key).range(range)),
                length));
    }

    /**
     * An object of an upload in progress.
     *
     * @throws ConcurrentChangeException if it is gone
     */
    ResponseInputStream<GetObjectResponse> getOfUpload(String uploadId, String key) throws IOException {
        return S3Failures.callOnUpload(uploadId, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    /** Names of the direct children (objects and "directories") below {@code prefix}, sorted. */
    List<String> listChildren(String prefix) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call(() -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(prefix).delimiter("/").continuationToken(continuation).build()));
            for (CommonPrefix p : page.commonPrefixes()) {
                String name = p.prefix().substring(prefix.length());
                names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
            }
            for (S3Object o : page.contents()) {
                String name = o.key().substring(prefix.length());
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return new ArrayList<>(names);
    }

    // ---- writing ----

    /** Creates or replaces a metadata object (or a pointer). */
    void put(String key, byte[] content) throws IOException {
        put(key, RequestBody.fromBytes(content), false);
    }

    /** Creates or replaces an object of blob data (stored with the storage class). */
    void putBlobData(String key, RequestBody body) throws IOException {
        put(key, body, true);
    }

    private void put(String key, RequestBody body, boolean blobData) throws IOException {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType(OCTET_STREAM).serverSideEncryption(encryption);
        if (blobData) {
            request.storageClass(storageClass);
        }
        call(() -> s3.putObject(request.build(), body));
    }

    /**
     * Writes a JSON object only if it does not exist ({@code ifMatch} null) or still has the ETag
     * {@code ifMatch}. The SDK's exception is left to the caller, who tells a lost condition
     * from other failures ({@link S3Failures#isConditionFailed}).
     */
    void putJsonIf(String key, byte[] json, String ifMatch) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType("application/json").serverSideEncryption(encryption);
        if (ifMatch == null) {
            request.ifNoneMatch("*");
        } else {
            request.ifMatch(ifMatch);
        }
        s3.putObject(request.build(), RequestBody.fromBytes(json));
    }

    // ---- deleting ----

    void delete(String key) throws IOException {
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    }

    /** Deletes the object; a failure is logged and left for the purge or garbage collection. */
    void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            LOG.warn("could not delete {}: {}", key, e.getMessage());
        }
    }

    /** Deletes these keys in one request; what fails is left for the purge or garbage collection. */
    void deleteQuietly(List<String> keys) {
        try {
            deleteObjects(keys).forEach(e -> LOG.warn("could not delete {}: {}", e.key(), e.message()));
        } catch (SdkException e) {
            LOG.warn("could not delete {}: {}", keys, e.getMessage());
        }
    }

    /** Deletes every object whose key starts with {@code prefix}, except {@code keep} (may be null). */
    void deletePrefix(String prefix, String keep) throws IOException {
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call(() -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(prefix).continuationToken(continuation).build()));
            List<String> batch = page.contents().stream().map(S3Object::key).filter(k -> !k.equals(keep)).toList();
            if (!batch.isEmpty()) {
                List<S3Error> errors = call(() -> deleteObjects(batch));
                if (!errors.isEmpty()) {
                    throw new IOException("S3 could not delete " + errors.size() + " object(s) under "
                            + prefix + ", e.g. " + errors.get(0).key() + ": " + errors.get(0).message());
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    /** One DeleteObjects request (at most 1,000 keys); what S3 could not delete. */
    private List<S3Error> deleteObjects(List<String> keys) {
        List<ObjectIdentifier> objects = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        return s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
                .delete(Delete.builder().objects(objects).quiet(true).build()).build()).errors();
    }

    private static <T> Optional<T> ifPresent(String operation, String key, Supplier<T> request) throws IOException {
        try {
            return Optional.of(request.get());
        } catch (SdkException e) {
            if (S3Failures.isNotFound(e)) {
                return Optional.empty();
            }
            throw S3Failures.wrap("S3 " + operation + " " + key, e);
        }
    }
}
