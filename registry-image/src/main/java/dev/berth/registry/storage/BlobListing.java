package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.time.Instant;

/** Receives each committed blob of a listing with its last write or refresh ({@link BlobStore#listBlobs}). */
@FunctionalInterface
public interface BlobListing {
    void blob(Digest digest, Instant modified) throws IOException;
}
