package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.time.Instant;

/**
 * A committed blob as garbage collection sees it: its size, when it was last written or
 * refreshed ({@link BlobStore#refreshBlob}), where its bytes are, and a version tag that
 * changes with every write or refresh (an S3 ETag, a file's modification time). Deleting by
 * version ({@link BlobStore#deleteBlobIfUnchanged}) loses to any refresh made after it was read.
 */
public record BlobVersion(Digest digest, long size, Instant modified, String location, String tag) {}
