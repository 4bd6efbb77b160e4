package dev.berth.registry.storage.s3;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.BlobListing;
import dev.berth.registry.storage.BlobVersion;
import dev.berth.registry.storage.HashStateSource;
import dev.berth.registry.storage.OrphanData;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoredBlob;
import dev.berth.registry.storage.StoredUpload;
import dev.berth.registry.storage.UploadProgress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Storage in one S3 bucket, shared by any number of registry processes. It keeps no state in
 * memory between calls (S3 is strongly consistent, so every process sees every change at once).
 * The objects are laid out as {@link S3Keys} describes; a blob is a pointer ({@link BlobPointers})
 * to its data object.
 *
 * <p>Committing an upload never copies its bytes: the multipart upload is completed in place
 * (every part is already uploaded, the last one while its chunk arrived), then the small pointer
 * object at the content address is written. Commit time is thus independent of the blob's size.
 * Two concurrent commits of one digest both write a valid pointer, the last one wins; the other
 * data object is left for garbage collection. Appending: {@link UploadAppender}; committing:
 * {@link UploadCommitter}; an upload's state: {@link UploadStates}.
 */
public final class S3Storage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    /** Clients should PATCH at least S3's minimum part size (smaller chunks still work). */
    private static final long MINIMUM_CHUNK = PartSizes.MIN_PART;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final S3Keys keys;
    private final S3Objects objects;
    private final BlobPointers pointers;
    private final UploadStates states;
    private final UploadData data;
    private final UploadAppender appender;
    private final UploadCommitter committer;
    private final OrphanBlobData orphans;

    /**
     * @param presigner for blob redirects; null for none
     * @param rootDirectory prefix of every key ("" for the bucket's top; slashes at either end are ignored)
     * @param partSize the base part size ({@code storage.s3.chunksize})
     * @param encrypt ask S3 to encrypt objects at rest (SSE-S3)
     * @param storageClass for blob data, or null (or "NONE") for the bucket's default
     */
    public S3Storage(S3Client s3, S3Presigner presigner, String bucket, String rootDirectory, long partSize,
            boolean encrypt, String storageClass) {
        this.s3 = s3;
        this.presigner = presigner;
        this.keys = new S3Keys(rootDirectory);
        this.objects = new S3Objects(s3, bucket, encrypt ? ServerSideEncryption.AES256 : null,
                storageClass == null || storageClass.equalsIgnoreCase("NONE") ? null
                        : StorageClass.fromValue(storageClass));
        this.pointers = new BlobPointers(objects, keys);
        this.states = new UploadStates(objects, keys);
        this.data = new UploadData(objects, keys);
        this.appender = new UploadAppender(states, data, objects, keys, new PartSizes(partSize));
        this.committer = new UploadCommitter(states, data, pointers, objects, keys);
        this.orphans = new OrphanBlobData(objects, keys, pointers);
    }

    // ---- metadata ----

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        return objects.bytesIfPresent(keys.metadata(path));
    }

    @Override
    public void write(String path, byte[] content) throws IOException {
        objects.put(keys.metadata(path), content);
    }

    @Override
    public boolean delete(String path) throws IOException {
        String key = keys.metadata(path);
        boolean existed = objects.sizeIfPresent(key).isPresent();
        objects.delete(key);
        return existed;
    }

    @Override
    public void deleteDirectory(String directory) throws IOException {
        objects.deletePrefix(keys.metadataDirectory(directory), null);
    }

    @Override
    public List<String> list(String directory) throws IOException {
        return objects.listChildren(keys.metadataDirectory(directory));
    }

    // ---- blobs ----

    @Override
    public Optional<StoredBlob> findBlob(Digest digest) throws IOException {
        return pointers.find(digest).map(p -> new StoredBlob(digest, p.size(), p.dataKey()));
    }

    @Override
    public InputStream readBlob(StoredBlob blob, long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > blob.size()) {
            throw new IOException("range " + offset + "+" + length + " outside blob " + blob.digest() + " of "
                    + blob.size() + " bytes");
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        return objects.rangeIfPresent(keys.full(blob.location()), offset, length)
                .orElseThrow(() -> new NotFoundException("blob " + blob.digest()));
    }

    @Override
    public Optional<URI> blobRedirect(StoredBlob blob, Duration ttl) throws IOException {
        if (presigner == null) {
            return Optional.empty();
        }
        String key = keys.full(blob.location());
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(objects.bucket()).key(key))).url().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("presigning " + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw S3Failures.wrap("presigning " + key, e);
        }
    }

    @Override
    public void writeBlob(Digest digest, byte[] content) throws IOException {
        if (pointers.exists(digest)) {
            return; // content-addressed: the same bytes are already there
        }
        String dataKey = keys.newBlobData();
        objects.putBlobData(keys.full(dataKey), RequestBody.fromBytes(content));
        pointers.write(digest, new BlobPointers.Pointer(dataKey, content.length));
    }

    @Override
    public boolean deleteBlob(Digest digest) throws IOException {
        Optional<BlobPointers.Pointer> pointer = pointers.find(digest);
        if (pointer.isEmpty()) {
            return false;
        }
        pointers.delete(digest);
        objects.delete(keys.full(pointer.get().dataKey()));
        return true;
    }

    // ---- garbage collection ----

    @Override
    public boolean refreshBlob(Digest digest, Instant refreshIfBefore) throws IOException {
        return pointers.refresh(digest, refreshIfBefore);
    }

    @Override
    public void listBlobs(BlobListing listing) throws IOException {
        String prefix = keys.full("blobs/");
        orphans.forEachObject(prefix, o -> {
            String[] parts = o.key().substring(prefix.length()).split("/");
            Optional<Digest> digest = parts.length == 2 ? Digest.parse(parts[0] + ":" + parts[1]) : Optional.empty();
            if (digest.isPresent()) {
                listing.blob(digest.get(), o.lastModified()); // tombstones too: blobVersion tells them apart
            }
        });
    }

    @Override
    public Optional<BlobVersion> blobVersion(Digest digest) throws IOException {
        return pointers.findVersioned(digest).map(v -> new BlobVersion(digest, v.pointer().size(), v.modified(),
                v.pointer().dataKey(), v.etag()));
    }

    @Override
    public boolean deleteBlobIfUnchanged(BlobVersion version) throws IOException {
        if (!pointers.tombstoneIf(version.digest(), version.tag())) {
            return false;
        }
        objects.delete(keys.full(version.location()));
        return true;
    }

    @Override
    public OrphanData collectOrphanData(Instant cutoff, boolean dryRun) throws IOException {
        return orphans.collect(cutoff, dryRun);
    }

    // ---- uploads ----

    @Override
    public UploadProgress createUpload(String uploadId, byte[] info) throws IOException {
        return states.create(uploadId, info).progress();
    }

    @Override
    public StoredUpload upload(String uploadId) throws IOException {
        UploadState state = states.open(uploadId).state();
        return new StoredUpload(state.progress(), state.infoBytes(), state.hashStateBytes());
    }

    @Override
    public UploadProgress appendUpload(String uploadId, UploadProgress at, InputStream data, HashStateSource hashAfter)
            throws IOException {
        return appender.append(uploadId, at, data, hashAfter);
    }

    @Override
    public InputStream readUpload(String uploadId) throws IOException {
        UploadStates.Stored stored = states.open(uploadId);
        UploadState state = stored.state();
        String sealed = state.sealedKey();
        if (sealed == null) {
            // Only when no saved hash state can be used (another digest algorithm).
            LOG.info("upload {} read back for hashing: {} bytes", uploadId, state.size());
            try {
                sealed = data.complete(uploadId, state);
                states.replace(uploadId, stored, state.sealedAs(sealed));
            } catch (ConcurrentChangeException e) {
                throw states.lostRace(uploadId, e);
            }
        }
        if (state.size() == 0) {
            return InputStream.nullInputStream();
        }
        try {
            return new RangeStream(objects.getOfUpload(uploadId, keys.full(sealed)), state.size());
        } catch (ConcurrentChangeException e) {
            throw states.lostRace(uploadId, e);
        }
    }

    @Override
    public void commitUpload(String uploadId, Digest digest, UploadProgress verified) throws IOException {
        committer.commit(uploadId, digest, verified);
    }

    @Override
    public void deleteUpload(String uploadId) throws IOException {
        Optional<UploadStates.Stored> stored = states.read(uploadId);
        for (int attempt = 1; stored.isPresent() && stored.get().state().isOpen(); attempt++) {
            try {
                // First end the upload, so that no request in flight can revive it or commit it.
                states.replace(uploadId, stored.get(), stored.get().state().cancelled());
                break;
            } catch (ConcurrentChangeException e) {
                if (attempt == 5) {
                    throw e;
                }
                stored = states.read(uploadId);
            } catch (NotFoundException e) {
                stored = Optional.empty();
            }
        }
        if (stored.isPresent() && stored.get().state().phase() == UploadState.Phase.COMMITTED) {
            // Its commit stopped between ending the upload and writing the pointer: finish it.
            UploadState committed = stored.get().state();
            Optional<Digest> digest = Digest.parse(committed.committedAs());
            if (digest.isPresent()) {
                committer.rollForward(uploadId, digest.get(), committed);
            }
            objects.deletePrefix(keys.uploadDataPrefix(uploadId), keys.full(committed.sealedKey())); // old tails
        } else if (stored.isPresent()) {
            UploadState state = stored.get().state();
            if (state.multipartId() != null) {
                data.abortQuietly(uploadId, state.multipartId());
            }
            // Only while the upload is not committed is blobdata/<id>/ this upload's: then it is a blob's.
            objects.deletePrefix(keys.uploadDataPrefix(uploadId), null);
        }
        objects.deletePrefix(keys.uploadPrefix(uploadId), null);
    }

    @Override
    public long minimumChunkLength() {
        return MINIMUM_CHUNK;
    }

    @Override
    public void close() {
        if (presigner != null) {
            presigner.close();
        }
        s3.close();
    }
}
