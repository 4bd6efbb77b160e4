package dev.berth.registry.storage.s3;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Requests about one object that may not exist, shared by the storage and the upload states. */
final class S3Objects {

    private S3Objects() {}

    /** The whole object, or empty when there is none; any other failure is an IOException. */
    static Optional<ResponseBytes<GetObjectResponse>> getIfPresent(S3Client s3, String bucket, String key)
            throws IOException {
        return ifPresent("GET", key, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
    }

    /** The object's size, or empty when there is none. */
    static Optional<Long> sizeIfPresent(S3Client s3, String bucket, String key) throws IOException {
        return ifPresent("HEAD", key, () -> s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
    }

    private static <T> Optional<T> ifPresent(String operation, String key, Supplier<T> request) throws IOException {
        try {
            return Optional.of(request.get());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw S3Failures.wrap("S3 " + operation + " " + key, e);
        } catch (SdkException e) {
            throw S3Failures.wrap("S3 " + operation + " " + key, e);
        }
    }
}
