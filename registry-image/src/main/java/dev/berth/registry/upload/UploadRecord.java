package dev.berth.registry.upload;

import dev.berth.registry.storage.UploadProgress;
import java.time.Instant;
import java.util.Optional;

/**
 * An upload in progress, as stored beside its data so that any registry process can continue it.
 *
 * @param progress the data's size and version when this record was saved
 * @param hashState the SHA-256 state of exactly those bytes, when it could be saved
 */
public record UploadRecord(String id, String repository, Instant startedAt, UploadProgress progress,
        Optional<byte[]> hashState) {

    public long size() {
        return progress.size();
    }
}
