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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
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

    public Uploads(Storage storage, RepositoryBlobs blobs, Clock clock) {
        this.storage = storage;
        this.blobs = blobs;
        this.clock = clock;
    }

    public UploadRecord start(String repository) throws IOException {
        String id = UUID.randomUUID().toString();
        storage.createUpload(id);
        UploadRecord record = new UploadRecord(id, repository, clock.instant(), 0,
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
        long stored;
        try {
            stored = storage.uploadSize(id);
        } catch (NotFoundException e) {
            throw new UploadUnknownException(id);
        }
        if (stored != record.size()) {
            // A process died between appending and saving the record: the data is the truth,
            // and the saved hash state no longer matches it.
            return new UploadRecord(id, record.repository(), record.startedAt(), stored, Optional.empty());
        }
        return record;
    }

    /**
     * Appends a chunk; all or nothing.
     *
     * @throws dev.berth.registry.storage.OffsetMismatchException if the chunk does not start at the current end
     */
    public UploadRecord append(UploadRecord record, long offset, InputStream chunk)
            throws IOException, UploadUnknownException {
        Optional<ResumableDigest> hash = hashAt(record, offset);
        HashingInputStream hashing = hash.map(h -> new HashingInputStream(chunk, h)).orElse(null);
        long size;
        try {
            size = storage.appendUpload(record.id(), offset, hashing != null ? hashing : chunk);
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
        UploadRecord updated = new UploadRecord(record.id(), record.repository(), record.startedAt(), size,
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
        UploadRecord appended = append(record, record.size(), lastChunk);
        Digest actual = digestOf(appended, expected.algorithm());
        if (!actual.equals(expected)) {
            storage.deleteUpload(record.id());
            throw new DigestMismatchException(expected, actual);
        }
        storage.commitUpload(record.id(), expected);
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
        for (String id : storage.list(StoragePaths.UPLOADS)) {
            Optional<byte[]> bytes = storage.read(StoragePaths.uploadRecord(id));
            boolean stale = bytes.isEmpty() || parse(id, bytes.get()).startedAt().isBefore(cutoff);
            if (stale) {
                storage.deleteUpload(id);
                purged++;
            }
        }
        if (purged > 0) {
            LOG.info("purged {} upload(s) started before {}", purged, cutoff);
        }
        return purged;
    }

    private Optional<ResumableDigest> hashAt(UploadRecord record, long offset) {
        if (offset != record.size()) {
            return Optional.empty(); // the append will be refused anyway
        }
        return record.hashState().flatMap(ResumableDigest::restore);
    }

    private Digest digestOf(UploadRecord record, DigestAlgorithm algorithm) throws IOException {
        if (algorithm == STREAM_ALGORITHM) {
            Optional<ResumableDigest> hash = record.hashState().flatMap(ResumableDigest::restore);
            if (hash.isPresent()) {
                return hash.get().finish();
            }
        }
        ResumableDigest hash = ResumableDigest.create(algorithm);
        try (HashingInputStream in = new HashingInputStream(storage.readUpload(record.id()), hash)) {
            in.transferTo(OutputStream.nullOutputStream());
            in.finishHashing();
        }
        return hash.finish();
    }

    private void save(UploadRecord record) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("repository", record.repository());
        node.put("startedAt", record.startedAt().toString());
        node.put("size", record.size());
        record.hashState().ifPresent(s -> node.put("sha256State", Base64.getEncoder().encodeToString(s)));
        storage.write(StoragePaths.uploadRecord(record.id()), JSON.writeValueAsBytes(node));
    }

    private static UploadRecord parse(String id, byte[] bytes) throws IOException {
        JsonNode node = JSON.readTree(bytes);
        Optional<byte[]> state = node.hasNonNull("sha256State")
                ? Optional.of(Base64.getDecoder().decode(node.get("sha256State").asText()))
                : Optional.empty();
        return new UploadRecord(id, node.get("repository").asText(), Instant.parse(node.get("startedAt").asText()),
                node.get("size").asLong(), state);
    }
}
