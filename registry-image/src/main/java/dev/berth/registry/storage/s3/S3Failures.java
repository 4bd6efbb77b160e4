package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.StorageUnavailableException;
import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns the SDK's exceptions into the storage's: a failure of S3 that may pass (a 5xx,
 * throttling, a timeout, no connection), which the SDK has already retried, becomes a
 * {@link StorageUnavailableException}; any other (access denied, no such bucket) an IOException.
 */
final class S3Failures {

    private S3Failures() {}

    static IOException wrap(String what, SdkException e) {
        String message = what + ": " + e.getMessage();
        return isTransient(e) ? new StorageUnavailableException(message, e) : new IOException(message, e);
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
