package dev.berth.registry.storage;

import java.io.IOException;

/**
 * How far an upload has come: its size, and a version that changes with every append. Two
 * states with the same version hold the same bytes, so a hash computed at one version is the
 * hash of the data as long as the version has not moved (another process may have appended).
 */
public record UploadProgress(long size, String version) {

    /**
     * Refuses an append meant for {@code at} while the upload stands here.
     *
     * @throws OffsetMismatchException if the sizes differ (a chunk out of order)
     * @throws UploadChangedException if the sizes match but the bytes are others
     */
    public void requireAppendAt(String uploadId, UploadProgress at) throws IOException {
        if (size != at.size()) {
            throw new OffsetMismatchException(at.size(), size);
        }
        if (!equals(at)) {
            throw new UploadChangedException(uploadId, at, this);
        }
    }
}
