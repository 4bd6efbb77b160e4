package dev.berth.registry.storage;

import java.io.IOException;

/**
 * Concurrent requests on one upload got in each other's way: another process appended between
 * verifying the digest and committing, or replaced data this upload's state names.
 */
public class UploadChangedException extends IOException {
    public UploadChangedException(String message) {
        super(message);
    }

    public UploadChangedException(String uploadId, UploadProgress expected, UploadProgress actual) {
        super("upload " + uploadId + " changed while it was being completed: it held " + expected.size()
                + " bytes when its digest was checked and " + actual.size()
                + " bytes at commit (a concurrent request on the same upload)");
    }
}
