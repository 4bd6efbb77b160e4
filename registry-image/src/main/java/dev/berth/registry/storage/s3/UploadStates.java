package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.NotFoundException;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The {@code uploads/<id>/s3state} objects. S3 has no locks, so every change of an upload's
 * state is a compare-and-swap: S3's conditional writes ({@code If-Match} on the ETag that was
 * read, {@code If-None-Match: *} to create) let exactly one of several racing requests replace a
 * given state, and the others learn that they lost instead of overwriting the winner.
 */
final class UploadStates {

    /** A state as read, with the ETag a replacement must match. */
    record Stored(UploadState state, String etag) {}

    private final S3Objects objects;
    private final S3Keys keys;

    UploadStates(S3Objects objects, S3Keys keys) {
        this.objects = objects;
        this.keys = keys;
    }

    Optional<Stored> read(String uploadId) throws IOException {
        Optional<ResponseBytes<GetObjectResponse>> object = objects.getIfPresent(keys.uploadState(uploadId));
        if (object.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Stored(UploadState.fromJson(object.get().asByteArray()), object.get().response().eTag()));
    }

    /** The state of an upload that still takes requests. @throws NotFoundException otherwise */
    Stored open(String uploadId) throws IOException {
        return read(uploadId).filter(s -> s.state().isOpen())
                .orElseThrow(() -> new NotFoundException("upload " + uploadId));
    }

    /** Stores and returns the first state of a new upload. @throws IOException if the id is taken */
    UploadState create(String uploadId, byte[] info) throws IOException {
        try {
            UploadState empty = UploadState.empty(info);
            put(uploadId, null, empty);
            return empty;
        } catch (ConcurrentChangeException e) {
            throw new IOException("upload id collision: " + uploadId);
        }
    }

    /**
     * Replaces {@code expected} by {@code next}, unless another request replaced it first.
     *
     * @throws ConcurrentChangeException if the state is no longer {@code expected}
     * @throws NotFoundException if the upload's state is gone (committed and cleaned up, or cancelled)
     * @throws IOException on any other failure, after which the write may or may not have happened
     */
    void replace(String uploadId, Stored expected, UploadState next) throws IOException {
        put(uploadId, expected.etag(), next);
    }

    /**
     * What became of an upload whose state this request failed to replace: the exception that
     * tells the client, {@code NotFoundException} when the upload is over.
     */
    IOException lostRace(String uploadId, ConcurrentChangeException lost) throws IOException {
        Optional<Stored> now = read(uploadId);
        if (now.isEmpty() || !now.get().state().isOpen()) {
            return new NotFoundException("upload " + uploadId);
        }
        return lost;
    }

    private void put(String uploadId, String ifMatch, UploadState state) throws IOException {
        String key = keys.uploadState(uploadId);
        byte[] json = state.toJson();
        try {
            objects.putJsonIf(key, json, ifMatch);
        } catch (SdkException e) {
            if (S3Failures.isConditionFailed(e)) {
                throw new ConcurrentChangeException(uploadId);
            }
            if (S3Failures.isNotFound(e)) {
                throw new NotFoundException("upload " + uploadId);
            }
            throw S3Failures.wrap("S3 PUT " + key, e);
        }
    }
}
