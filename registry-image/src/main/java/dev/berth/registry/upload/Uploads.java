package dev.berth.registry.upload;

import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.oci.ResumableDigest;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.UploadStore;
import dev.berth.registry.storage.StoredUpload;
import dev.berth.registry.storage.UploadProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Blob uploads: started, appended chunk by chunk and completed by any registry process that
 * shares the storage. The storage keeps, with each upload's progress and in the same write,
 * its description ({@link UploadInfo}) and the SHA-256 state of its bytes, so the digest
 * is computed once as bytes stream in and not by re-reading them. The bytes are read back only
 * for another algorithm, or when no state is of exactly them (a process killed mid-chunk on the
 * filesystem leaves bytes no saved state covers; the JDK's digest internals were unreachable).
 */
public final class Uploads {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final DigestAlgorithm STREAM_ALGORITHM = DigestAlgorithm.SHA256;

    private final UploadStore storage;
    private final RepositoryBlobs blobs;
    private final Clock clock;

    public Uploads(UploadStore storage, RepositoryBlobs blobs, Clock clock) {
        this.storage = storage;
        this.blobs = blobs;
        this.clock = clock;
    }

    public UploadRecord start(String repository) throws IOException {
        String id = UUID.randomUUID().toString();
        Instant startedAt = clock.instant();
        UploadProgress progress = storage.createUpload(id, new UploadInfo(repository, startedAt).toJson());
        return new UploadRecord(id, repository, startedAt, progress, ResumableDigest.create(STREAM_ALGORITHM).saveState());
    }

    /** The upload {@code id} of {@code repository}, with its current size. */
    public UploadRecord find(String repository, String id) throws IOException, UploadUnknownException {
        if (!ID.matcher(id).matches()) {
            throw new UploadUnknownException(id);
        }
        StoredUpload stored;
        try {
            stored = storage.upload(id);
        } catch (NotFoundException e) {
            throw new UploadUnknownException(id);
        }
        UploadInfo info = UploadInfo.parse(stored.info()).filter(i -> i.repository().equals(repository))
                .orElseThrow(() -> new UploadUnknownException(id));
        // Nothing appended yet: the state of an empty hash; otherwise the one saved with the
        // bytes, if it has taken in exactly as many as there are (a cheap second check).
        long size = stored.progress().size();
        Optional<byte[]> hashState = size == 0
                ? ResumableDigest.create(STREAM_ALGORITHM).saveState()
                : stored.hashState().filter(state -> ResumableDigest.restore(state)
                        .filter(hash -> hash.bytesHashed() == size).isPresent());
        return new UploadRecord(id, repository, info.startedAt(), stored.progress(), hashState);
    }

    /**
     * Appends a chunk where the record says the upload ends; all or nothing.
     *
     * @throws dev.berth.registry.storage.OffsetMismatchException if the upload no longer ends there
     */
    public UploadRecord append(UploadRecord record, InputStream chunk) throws IOException, UploadUnknownException {
        Optional<ResumableDigest> hash = record.hashState().flatMap(ResumableDigest::restore);
        HashingInputStream hashing = hash.map(h -> new HashingInputStream(chunk, h)).orElse(null);
        UploadProgress progress;
        AtomicReference<Optional<byte[]>> savedHash = new AtomicReference<>(Optional.empty());
        try {
            // At the record's progress: its hash state is of exactly those bytes. The new state
            // is saved by the storage together with the new progress.
            progress = storage.appendUpload(record.id(), record.progress(), hashing != null ? hashing : chunk, () -> {
                if (hashing == null) {
                    return Optional.empty();
                }
                hashing.finishHashing();
                savedHash.set(hash.flatMap(ResumableDigest::saveState));
                return savedHash.get();
            });
        } catch (NotFoundException e) {
            throw new UploadUnknownException(record.id());
        } finally {
            if (hashing != null) {
                hashing.abandon();
            }
        }
        if (progress.equals(record.progress())) {
            return record; // an empty chunk: nothing changed
        }
        return new UploadRecord(record.id(), record.repository(), record.startedAt(), progress,
                savedHash.get());
    }

    /**
     * Appends the last chunk, checks the digest and makes the blob part of the repository.
     * A wrong digest removes the upload and stores nothing.
     */
    public long complete(UploadRecord record, Digest expected, InputStream lastChunk)
            throws IOException, UploadUnknownException, DigestMismatchException {
        // Clients mostly finish with an empty PUT after their PATCHes: then there is nothing to append.
        PushbackInputStream body = new PushbackInputStream(lastChunk, 1);
        int first = body.read();
        UploadRecord appended = record;
        if (first >= 0) {
            body.unread(first);
            appended = append(record, body);
        }
        try {
            Verified verified = digestOf(appended, expected.algorithm());
            if (!verified.digest().equals(expected)) {
                storage.deleteUpload(record.id());
                throw new DigestMismatchException(expected, verified.digest());
            }
            storage.commitUpload(record.id(), expected, verified.progress());
        } catch (NotFoundException e) {
            // Cancelled, purged or committed by a concurrent request meanwhile.
            throw new UploadUnknownException(record.id());
        }
        blobs.link(record.repository(), expected);
        return appended.size();
    }

    public void cancel(UploadRecord record) throws IOException {
        storage.deleteUpload(record.id());
    }

    /** A digest of the upload's data as it was at {@code progress}. */
    private record Verified(Digest digest, UploadProgress progress) {}

    private Verified digestOf(UploadRecord record, DigestAlgorithm algorithm) throws IOException {
        if (algorithm == STREAM_ALGORITHM) {
            Optional<ResumableDigest> hash = record.hashState().flatMap(ResumableDigest::restore);
            if (hash.isPresent()) {
                return new Verified(hash.get().finish(), record.progress());
            }
        }
        // Read back: the progress is taken first, so that a concurrent append during the read
        // makes the commit refuse rather than store bytes other than those hashed.
        UploadProgress progress = storage.uploadProgress(record.id());
        ResumableDigest hash = ResumableDigest.create(algorithm);
        HashingInputStream in = new HashingInputStream(storage.readUpload(record.id()), hash);
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
            in.finishHashing();
        } finally {
            in.abandon(); // a no-op after finishHashing; stops the hasher thread when the read failed
        }
        return new Verified(hash.finish(), progress);
    }
}
