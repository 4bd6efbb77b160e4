package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.StorageUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * How S3's answers, as the SDK reports them, become the storage's exceptions (the same answers
 * from a real server: S3OutageTest, S3UploadRacesTest).
 */
class S3FailuresTest {

    private static S3Exception answer(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void serverErrorsThrottlingAndLostConnectionsAreUnavailableForNow() throws Exception {
        assertInstanceOf(StorageUnavailableException.class, S3Failures.wrap("GET k", answer(503, "SlowDown")));
        assertInstanceOf(StorageUnavailableException.class, S3Failures.wrap("GET k", answer(429, "TooMany")));
        assertInstanceOf(StorageUnavailableException.class, S3Failures.wrap("GET k", answer(400, "RequestTimeout")));
        assertInstanceOf(StorageUnavailableException.class, S3Failures.wrap("GET k",
                SdkClientException.create("no answer", new ConnectException("refused"))));
    }

    @Test
    void refusalsThatWillNotPassArePlainIoExceptionsNamingTheRequest() {
        IOException denied = S3Failures.wrap("S3 GET k", answer(403, "AccessDenied"));
        assertFalse(denied instanceof StorageUnavailableException);
        assertTrue(denied.getMessage().startsWith("S3 GET k: "), denied.getMessage());
    }

    @Test
    void answersThatMeanSomethingToTheStorageAreToldApart() {
        assertTrue(S3Failures.isNotFound(answer(404, "NoSuchKey")));
        assertTrue(S3Failures.isConditionFailed(answer(412, "PreconditionFailed")));
        assertTrue(S3Failures.isConditionFailed(answer(409, "ConditionalRequestConflict")));
        assertTrue(S3Failures.isInvalidPart(answer(400, "InvalidPart")));
        assertFalse(S3Failures.isInvalidPart(answer(400, "EntityTooSmall")));
        assertFalse(S3Failures.isNotFound(answer(403, "AccessDenied")));
        assertFalse(S3Failures.isConditionFailed(answer(404, "NoSuchKey")));
    }

    @Test
    void aMissingObjectOfAnUploadMeansAConcurrentRequestMovedItOn() {
        assertThrows(ConcurrentChangeException.class,
                () -> S3Failures.callOnUpload("u1", () -> { throw answer(404, "NoSuchUpload"); }));
        IOException other = assertThrows(IOException.class,
                () -> S3Failures.callOnUpload("u1", () -> { throw answer(403, "AccessDenied"); }));
        assertFalse(other instanceof ConcurrentChangeException);
    }

    @Test
    void aRequestBodyThatFailsToReadSurfacesItsOwnIoException() {
        IOException disk = new IOException("disk gone");
        IOException thrown = assertThrows(IOException.class,
                () -> S3Failures.call(() -> { throw new UncheckedIOException(disk); }));
        assertSame(disk, thrown);
        assertEquals("disk gone", thrown.getMessage());
    }
}
