package dev.berth.registry.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.oci.ResumableDigest;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.storage.UploadProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob uploads: started, appended chunk by chunk and completed by any registry process that
 * shares the storage. The record beside the data carries the size and the SHA-256 state, so
 * the digest is computed once as bytes stream in and never by re-reading them (unless the
 * client asks for another algorithm, or the state could not be saved).
 */
public final class Uploads {

    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final DigestAlgorithm STREAM_ALGORITHM = DigestAlgorithm.SHA256;

    private final Storage storage;
    private final RepositoryBlobs blobs;
    private final Clock clock;
    /** Uploads the previous purge found without a record (see purgeOlderThan). */
    private volatile Set<String> recordlessLastRun = Set.of();

    public Uploads(Storage storage, RepositoryBlobs blobs, Clock clock) {
        this.storage = storage;
        this.blobs = blobs;
        this.clock = clock;
    }

    public UploadRecord start(String repository) throws IOException {
        String id = UUID.randomUUID().toString();
        UploadRecord record = new UploadRecord(id, repository, clock.instant(), storage.createUpload(id),
                ResumableDigest.create(STREAM_ALGORITHM).saveState());
        save(record);
        return record;
    }

    /** The upload {@code id} of {@code repository}, with its current size. */
    public UploadRecord find(String repository, String id) throws IOException, UploadUnknownException {
        if (!ID.matcher(id).matches()) {
            throw new UploadUnknownException(id);
        }
        Optional<byte[]> bytes = storage.read(StoragePaths.uploadRecord(id));
        if (bytes.isEmpty()) {
            throw new UploadUnknownException(id);
        }
        UploadRecord record = parse(id, bytes.get());
        if (!record.repository().equals(repository)) {
            throw new UploadUnknownException(id);
        }
        UploadProgress stored;
        try {
            stored = storage.uploadProgress(id);
        } catch (NotFoundException e) {
            throw new UploadUnknownException(id);
        }
        if (!stored.equals(record.progress())) {
            // A process died between appending and saving the record, or two processes appended
            // at once: the data is the truth, and the saved hash state may not match it.
            return new UploadRecord(id, record.repository(), record.startedAt(), stored, Optional.empty());
        }
        return record;
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
        try {
            // At the record's progress: its hash state is of exactly those bytes.
            progress = storage.appendUpload(record.id(), record.progress(), hashing != null ? hashing : chunk);
            if (hashing != null) {
                hashing.finishHashing();
            }
        } catch (NotFoundException e) {
            throw new UploadUnknownException(record.id());
        } finally {
            if (hashing != null) {
                hashing.abandon();
            }
        }
        if (progress.equals(record.progress())) {
            return record; // an empty chunk: nothing changed, nothing to save
        }
        UploadRecord updated = new UploadRecord(record.id(), record.repository(), record.startedAt(), progress,
                hash.flatMap(ResumableDigest::saveState));
        save(updated);
        return updated;
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

    /** Removes uploads started before {@code maxAge} ago; returns how many. */
    public int purgeOlderThan(Duration maxAge) throws IOException {
        Instant cutoff = clock.instant().minus(maxAge);
        int purged = 0;
        Set<String> withoutRecord = new HashSet<>();
        for (String id : storage.list(StoragePaths.UPLOADS)) {
            Optional<byte[]> bytes = storage.read(StoragePaths.uploadRecord(id));
            boolean stale;
            if (bytes.isPresent()) {
                stale = parse(id, bytes.get()).startedAt().isBefore(cutoff);
            } else {
                // Without a record there is no age to go by, and an upload being started right now
                // has none yet either: purge it only when the previous run saw it without one too.
                withoutRecord.add(id);
                stale = recordlessLastRun.contains(id);
            }
            if (stale) {
                storage.deleteUpload(id);
                purged++;
            }
        }
        recordlessLastRun = withoutRecord;
        if (purged > 0) {
            LOG.info("purged {} upload(s) started before {}", purged, cutoff);
        }
        return purged;
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

    private void save(UploadRecord record) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("repository", record.repository());
        node.put("startedAt", record.startedAt().toString());
        node.put("size", record.size());
        node.put("version", record.progress().version());
        record.hashState().ifPresent(s -> node.put("sha256State", Base64.getEncoder().encodeToString(s)));
        storage.write(StoragePaths.uploadRecord(record.id()), JSON.writeValueAsBytes(node));
    }

    private static UploadRecord parse(String id, byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        Optional<byte[]> state = node.hasNonNull("sha256State")
                ? Optional.of(Base64.getDecoder().decode(node.get("sha256State").asText()))
                : Optional.empty();
        UploadProgress progress = new UploadProgress(node.get("size").asLong(), node.path("version").asText(""));
        return new UploadRecord(id, node.get("repository").asText(), Instant.parse(node.get("startedAt").asText()),
                progress, state);
    }
}
