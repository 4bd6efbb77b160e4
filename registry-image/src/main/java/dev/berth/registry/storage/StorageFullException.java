package dev.berth.registry.storage;

import java.io.IOException;

/** A write failed because the storage has no space left (ENOSPC, a quota); what it wrote is removed. */
public class StorageFullException extends IOException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
