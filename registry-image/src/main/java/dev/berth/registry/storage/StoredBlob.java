package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;

/**
 * A committed blob as its storage found it: the size, and where the backend keeps the bytes
 * ({@code location}, meaningful only to that backend: an S3 key). Reading or redirecting
 * through it saves looking the blob up again (on S3, one request per pull).
 */
public record StoredBlob(Digest digest, long size, String location) {}
