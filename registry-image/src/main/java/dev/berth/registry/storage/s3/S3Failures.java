package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.StorageUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns the SDK's exceptions into the storage's, in one place: a failure of S3 that may pass
 * (a 5xx, throttling, a timeout, no connection), which the SDK has already retried, becomes a
 * {@link StorageUnavailableException}; any other (access denied, no such bucket) an IOException.
 * The answers that mean something to the storage (404, a failed condition, an invalid part) are
 * told apart here too, so that callers ask by meaning rather than by status code.
 */
final class S3Failures {

    private S3Failures() {}

    /** An S3 request; the SDK's unchecked exceptions are what {@link #call} maps. */
    @FunctionalInterface
    interface S3Call<T> {
        T run() throws IOException;
    }

    /** Runs an S3 request, turning the SDK's unchecked exceptions into IOExceptions. */
    static <T> T call(S3Call<T> request) throws IOException {
        try {
            return request.run();
        } catch (S3Exception e) {
            throw wrap("S3 " + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode())
                    + " (" + e.statusCode() + ")", e);
        } catch (SdkException e) {
            throw wrap("S3", e);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // a request body that failed to read (a part buffered in a file)
        }
    }

    /**
     * Runs an S3 request on an upload's own objects, where a 404 means that a concurrent request
     * moved the upload on: a newer state replaced the tail, a commit completed or a cancel
     * aborted the multipart upload, a cancel removed the data.
     *
     * @throws ConcurrentChangeException on a 404
     */
    static <T> T callOnUpload(String uploadId, S3Call<T> request) throws IOException {
        try {
            return call(request);
        } catch (IOException e) {
            if (e.getCause() instanceof SdkException sdk && isNotFound(sdk)) {
                throw new ConcurrentChangeException(uploadId);
            }
            throw e;
        }
    }

    /** The storage's exception for a failed request on {@code what}. */
    static IOException wrap(String what, SdkException e) {
        String message = what + ": " + e.getMessage();
        return isTransient(e) ? new StorageUnavailableException(message, e) : new IOException(message, e);
    }

    /** No such object, bucket or multipart upload. */
    static boolean isNotFound(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404;
    }

    /**
     * A conditional write lost: 412, the condition failed; 409, S3 saw a concurrent conditional
     * write of the key.
     */
    static boolean isConditionFailed(SdkException e) {
        return e instanceof S3Exception s3 && (s3.statusCode() == 412 || s3.statusCode() == 409);
    }

    /** CompleteMultipartUpload named a part whose ETag is not the part's (it was overwritten). */
    static boolean isInvalidPart(SdkException e) {
        return e instanceof S3Exception s3 && s3.awsErrorDetails() != null
                && "InvalidPart".equals(s3.awsErrorDetails().errorCode());
    }

    static boolean isTransient(SdkException e) {
        if (e instanceof SdkServiceException service) {
            return service.statusCode() >= 500 || service.statusCode() == 429 || service.isThrottlingException()
                    || (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                            && "RequestTimeout".equals(aws.awsErrorDetails().errorCode()));
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        // No answer at all: refused, reset or timed-out connections, unknown host.
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
