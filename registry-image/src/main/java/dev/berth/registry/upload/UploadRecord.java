package dev.berth.registry.upload;

import dev.berth.registry.storage.UploadProgress;
import java.time.Instant;
import java.util.Optional;

/**
 * An upload in progress as a request found it; the storage keeps all of it with the upload's
 * data, so that any registry process can continue it.
 *
 * @param progress the data's size and version
 * @param hashState the SHA-256 state of exactly those bytes, when one was saved with them
 */
public record UploadRecord(String id, String repository, Instant startedAt, UploadProgress progress,
        Optional<byte[]> hashState) {

    public long size() {
        return progress.size();
    }
}
