package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.UploadChangedException;

/** Another request replaced the upload's state between this request's read and its write. */
final class ConcurrentChangeException extends UploadChangedException {
    ConcurrentChangeException(String uploadId) {
        super("upload " + uploadId + " was changed by a concurrent request on the same upload; nothing of this"
                + " request was kept");
    }
}
