package dev.berth.registry.storage;

import java.io.IOException;

/** The named blob, object or upload does not exist in storage. */
public class NotFoundException extends IOException {
    public NotFoundException(String what) {
        super(what + " not found");
    }
}
