package dev.berth.registry.upload;

import java.time.Instant;
import java.util.Optional;

/**
 * An upload in progress, as stored beside its data so that any registry process can continue it.
 *
 * @param hashState the SHA-256 state after {@code size} bytes, when it could be saved
 */
public record UploadRecord(String id, String repository, Instant startedAt, long size, Optional<byte[]> hashState) {}
