package dev.berth.registry.storage;

import java.util.Optional;

/**
 * An upload as the storage keeps it, read in one go: where it stands, the caller's description
 * of it (given at creation), and the caller's hash state of exactly the bytes at
 * {@code progress}, when the last append saved one.
 */
public record StoredUpload(UploadProgress progress, byte[] info, Optional<byte[]> hashState) {}
