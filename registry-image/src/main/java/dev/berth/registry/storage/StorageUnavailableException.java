package dev.berth.registry.storage;

import java.io.IOException;

/**
 * The storage backend failed for now (S3: a 5xx, throttling, a timeout, no connection) after its
 * client's own retries; the same request may well succeed a little later.
 */
public class StorageUnavailableException extends IOException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
