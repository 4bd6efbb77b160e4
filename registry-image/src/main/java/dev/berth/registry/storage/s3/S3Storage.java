package dev.berth.registry.storage.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.storage.HashStateSource;
import dev.berth.registry.storage.StoredBlob;
import dev.berth.registry.storage.StoredUpload;
import dev.berth.registry.storage.UploadChangedException;
import dev.berth.registry.storage.UploadProgress;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Storage in one S3 bucket, shared by any number of registry processes. It keeps no state in
 * memory between calls (S3 is strongly consistent, so every process sees every change at once).
 *
 * <pre>
 * &lt;root&gt;/&lt;metadata path&gt;                      metadata (see StoragePaths), one object each
 * &lt;root&gt;/blobs/&lt;alg&gt;/&lt;hex&gt;                    blob pointer: {"key": data object, "size": n}
 * &lt;root&gt;/blobdata/&lt;upload id&gt;/data            a blob's bytes (completed multipart upload)
 * &lt;root&gt;/blobdata/&lt;upload id&gt;/tail-&lt;end&gt;-&lt;n&gt;  an upload's tail (the whole blob when it is smaller than a part)
 * &lt;root&gt;/uploads/&lt;id&gt;/s3state                  where an upload's bytes are (UploadState)
 * </pre>
 *
 * <p>Committing an upload never copies its bytes: the multipart upload is completed in place
 * (every part is already uploaded, the last one while its chunk arrived), then the small pointer
 * object at the content address is written. Commit time is thus independent of the blob's size.
 * Two concurrent commits of one digest both write a valid pointer, the last one wins; the other
 * data object is left for garbage collection.
 */
public final class S3Storage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(S3Storage.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCTET_STREAM = "application/octet-stream";
    /**
     * Parts up to this size are buffered in memory, larger ones in a temporary file (as are all
     * parts while the uploads in flight hold a quarter of the heap).
     */
    static final int PART_MEMORY_LIMIT = 16 * 1024 * 1024;
    /** Clients should PATCH at least S3's minimum part size (smaller chunks still work). */
    private static final long MINIMUM_CHUNK = PartSizes.MIN_PART;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String root;
    private final PartSizes partSizes;
    private final ServerSideEncryption encryption;
    private final StorageClass storageClass;
    /** Memory all uploads in flight may hold; beyond it parts are buffered in temporary files. */
    private final MemoryBudget memoryBudget = MemoryBudget.quarterOfHeap();
    private final UploadStates states;

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
        this.bucket = bucket;
        String trimmed = rootDirectory == null ? "" : rootDirectory.replaceAll("^/+|/+$", "");
        this.root = trimmed.isEmpty() ? "" : trimmed + "/";
        this.partSizes = new PartSizes(partSize);
        this.encryption = encrypt ? ServerSideEncryption.AES256 : null;
        this.storageClass = storageClass == null || storageClass.equalsIgnoreCase("NONE")
                ? null : StorageClass.fromValue(storageClass);
        this.states = new UploadStates(s3, bucket, root, encryption);
    }

    // ---- metadata ----

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        return getBytes(key(path));
    }

    @Override
    public void write(String path, byte[] content) throws IOException {
        put(key(path), content, false);
    }

    @Override
    public boolean delete(String path) throws IOException {
        String key = key(path);
        boolean existed = exists(key);
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
        return existed;
    }

    @Override
    public void deleteDirectory(String directory) throws IOException {
        deletePrefix(key(directory) + "/", null);
    }

    @Override
    public List<String> list(String directory) throws IOException {
        String prefix = key(directory) + "/";
        TreeSet<String> names = new TreeSet<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call(() -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(prefix).delimiter("/").continuationToken(continuation).build()));
            for (CommonPrefix p : page.commonPrefixes()) {
                String name = p.prefix().substring(prefix.length());
                names.add(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
            }
            for (S3Object o : page.contents()) {
                String name = o.key().substring(prefix.length());
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return new ArrayList<>(names);
    }

    // ---- blobs ----

    private record Pointer(String dataKey, long size) {}

    @Override
    public Optional<StoredBlob> findBlob(Digest digest) throws IOException {
        return pointer(digest).map(p -> new StoredBlob(digest, p.size(), p.dataKey()));
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
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(root + blob.location())
                .range("bytes=" + offset + "-" + (offset + length - 1)).build();
        try {
            return new RangeStream(s3.getObject(request), length);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NotFoundException("blob " + blob.digest());
            }
            throw S3Failures.wrap("S3 GET " + blob.location(), e);
        } catch (SdkException e) {
            throw S3Failures.wrap("S3 GET " + blob.location(), e);
        }
    }

    @Override
    public Optional<URI> blobRedirect(StoredBlob blob, Duration ttl) throws IOException {
        if (presigner == null) {
            return Optional.empty();
        }
        String key = root + blob.location();
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("presigning " + key + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw S3Failures.wrap("presigning " + key, e);
        }
    }

    @Override
    public void writeBlob(Digest digest, byte[] content) throws IOException {
        if (pointer(digest).isPresent()) {
            return; // content-addressed: the same bytes are already there
        }
        String dataKey = "blobdata/" + UUID.randomUUID() + "/data";
        put(root + dataKey, content, true);
        writePointer(digest, new Pointer(dataKey, content.length));
    }

    @Override
    public boolean deleteBlob(Digest digest) throws IOException {
        Optional<Pointer> pointer = pointer(digest);
        if (pointer.isEmpty()) {
            return false;
        }
        String pointerKey = pointerKey(digest);
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(pointerKey)));
        String dataKey = root + pointer.get().dataKey();
        call(() -> s3.deleteObject(b -> b.bucket(bucket).key(dataKey)));
        return true;
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
        long offset = at.size();
        UploadStates.Stored stored = states.open(uploadId);
        UploadState state = stored.state();
        state.progress().requireAppendAt(uploadId, at);
        PushbackInputStream in = new PushbackInputStream(data, 1);
        int first = in.read();
        if (first < 0) {
            return state.progress(); // an empty chunk changes nothing
        }
        in.unread(first);
        if (state.sealedKey() != null) {
            throw new UploadChangedException("upload " + uploadId + " was read back to verify a digest by a concurrent"
                    + " request and takes no more data");
        }

        String multipartId = state.multipartId();
        boolean createdMultipart = false;
        String tailKey = null;
        String version = UUID.randomUUID().toString();
        boolean stateSent = false;
        List<String> parts = new ArrayList<>(state.parts());
        try (PartBuffer buffer = new PartBuffer(PART_MEMORY_LIMIT, memoryBudget)) {
            if (state.tailSize() > 0) {
                loadTail(uploadId, state, buffer);
            }
            long received = 0;
            while (true) {
                int number = parts.size() + 1;
                if (number > PartSizes.MAX_PARTS) {
                    int next = in.read();
                    if (next < 0) {
                        break; // exactly the capacity, with a full last part
                    }
                    throw new IOException("upload " + uploadId + " is larger than the " + partSizes.capacity()
                            + " bytes an S3 multipart upload with storage.s3.chunksize " + partSizes.sizeOf(1)
                            + " can hold");
                }
                long partSize = partSizes.sizeOf(number);
                received += buffer.fill(in, partSize);
                if (buffer.size() < partSize) {
                    break; // the chunk ended inside this part: the rest is the new tail
                }
                if (multipartId == null) {
                    multipartId = createMultipart(uploadId);
                    createdMultipart = true;
                }
                parts.add(uploadPart(uploadId, multipartId, number, buffer));
                buffer.reset();
            }
            long size = offset + received;
            String tailPartEtag = null;
            long tailSize = buffer.size();
            if (tailSize > 0) {
                // Unique per append, so that no other append can replace the bytes a state names.
                tailKey = "blobdata/" + uploadId + "/tail-" + size + "-" + UUID.randomUUID();
                putBody(root + tailKey, buffer.body(), true);
                if (multipartId != null) {
                    // Uploaded now so that the commit has no data to move.
                    tailPartEtag = uploadPart(uploadId, multipartId, parts.size() + 1, buffer);
                }
            }
            UploadState updated = state.appended(size, multipartId, parts, tailKey, tailSize, tailPartEtag, version,
                    hashAfter.afterData());
            stateSent = true;
            states.replace(uploadId, stored, updated); // the append takes effect here, or not at all
            if (state.tailKey() != null && !state.tailKey().equals(tailKey)) {
                deleteQuietly(root + state.tailKey());
            }
            return updated.progress();
        } catch (IOException | RuntimeException e) {
            // Unless its state was saved, what this append wrote is named by nothing: remove it.
            // (A part it overwrote in a shared multipart upload makes the commit of whatever
            // state won fail cleanly: S3 checks every part's ETag.)
            boolean refused = e instanceof ConcurrentChangeException || e instanceof NotFoundException;
            if (!stateSent || refused || !savedAnyway(uploadId, version)) {
                if (tailKey != null) {
                    deleteQuietly(root + tailKey);
                }
                if (createdMultipart) {
                    abortQuietly(uploadId, multipartId);
                }
            }
            if (e instanceof ConcurrentChangeException lost) {
                throw states.lostRace(uploadId, lost);
            }
            throw e;
        }
    }

    /** After a state write failed without a clear answer: whether it reached S3 after all. */
    private boolean savedAnyway(String uploadId, String version) {
        try {
            return states.read(uploadId).map(s -> s.state().version().equals(version)).orElse(false);
        } catch (IOException e) {
            return true; // unknown: keep what the state may name; the lifecycle rule is the backstop
        }
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
                sealed = completeData(uploadId, state);
                states.replace(uploadId, stored, state.sealedAs(sealed));
            } catch (ConcurrentChangeException e) {
                throw states.lostRace(uploadId, e);
            }
        }
        if (state.size() == 0) {
            return InputStream.nullInputStream();
        }
        try {
            return new RangeStream(getObject(uploadId, root + sealed), state.size());
        } catch (ConcurrentChangeException e) {
            throw states.lostRace(uploadId, e);
        }
    }

    @Override
    public void commitUpload(String uploadId, Digest digest, UploadProgress verified) throws IOException {
        long started = System.nanoTime();
        UploadStates.Stored stored = states.open(uploadId);
        UploadState state = stored.state();
        if (!state.progress().equals(verified)) {
            throw new UploadChangedException(uploadId, verified, state.progress());
        }
        // Completing the multipart upload checks every part's ETag against this state, so a
        // part overwritten by a racing append fails it.
        long completing = System.nanoTime();
        String dataKey;
        try {
            dataKey = state.sealedKey() != null ? state.sealedKey() : completeData(uploadId, state);
        } catch (ConcurrentChangeException e) {
            throw states.lostRace(uploadId, e);
        }
        long completed = System.nanoTime();
        try {
            // From here the upload is over for everyone else: a racing append, cancel or purge
            // fails to replace this state, and so deletes nothing this commit keeps.
            states.replace(uploadId, stored, state.committedAs(digest.toString(), dataKey));
        } catch (ConcurrentChangeException | NotFoundException e) {
            Optional<UploadState> now = states.read(uploadId).map(UploadStates.Stored::state);
            if (now.isPresent() && digest.toString().equals(now.get().committedAs())) {
                awaitPointer(uploadId, digest, now.get()); // a concurrent commit of this same upload won
                return;
            }
            if (now.isEmpty() && pointer(digest).isPresent()) {
                return; // ... and has already finished
            }
            throw e instanceof ConcurrentChangeException lost ? states.lostRace(uploadId, lost) : e;
        }
        // What is left of the upload, by name (no listing): its state, the tail
        // object unless it is the blob, and the data if an earlier upload already made the blob.
        List<String> leftovers = new ArrayList<>(List.of(states.key(uploadId)));
        if (state.tailKey() != null && !state.tailKey().equals(dataKey)) {
            leftovers.add(root + state.tailKey());
        }
        Optional<Pointer> existing = pointer(digest);
        if (existing.isPresent() && !existing.get().dataKey().equals(dataKey) && holdsBlob(existing.get())) {
            leftovers.add(root + dataKey); // keep the earlier upload's bytes, drop these
        } else {
            writePointer(digest, new Pointer(dataKey, state.size()));
        }
        deleteQuietly(leftovers);
        LOG.info("upload {} committed as {}: {} bytes in {} part(s), {} ms, of which {} ms completing the data object",
                uploadId, digest, state.size(), state.parts().size() + (state.tailSize() > 0 ? 1 : 0),
                (System.nanoTime() - started) / 1_000_000, (completed - completing) / 1_000_000);
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
                rollForward(uploadId, digest.get(), committed);
            }
            deletePrefix(root + "blobdata/" + uploadId + "/", root + committed.sealedKey()); // old tails
        } else if (stored.isPresent()) {
            UploadState state = stored.get().state();
            if (state.multipartId() != null) {
                abortQuietly(uploadId, state.multipartId());
            }
            // Only while the upload is not committed is blobdata/<id>/ this upload's: then it is a blob's.
            deletePrefix(root + "blobdata/" + uploadId + "/", null);
        }
        deletePrefix(root + StoragePaths.UPLOADS + "/" + uploadId + "/", null);
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

    // ---- upload internals ----

    /**
     * Returns once the blob a concurrent commit of this upload made has its pointer, writing
     * it if that commit seems to have stopped before (it would otherwise never be written).
     */
    private void awaitPointer(String uploadId, Digest digest, UploadState committed) throws IOException {
        for (int attempt = 0; attempt < 10 && pointer(digest).isEmpty(); attempt++) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a concurrent commit of upload " + uploadId, e);
            }
        }
        rollForward(uploadId, digest, committed);
    }

    /** Writes the pointer of a committed upload whose commit did not, if its data is there. */
    private void rollForward(String uploadId, Digest digest, UploadState committed) throws IOException {
        Pointer pointer = new Pointer(committed.sealedKey(), committed.size());
        if (pointer(digest).isEmpty() && holdsBlob(pointer)) {
            LOG.info("upload {}: writing the pointer of {} its interrupted commit did not write", uploadId, digest);
            writePointer(digest, pointer);
        }
    }

    /** Whether the pointer's data object exists with the pointer's size. */
    private boolean holdsBlob(Pointer pointer) throws IOException {
        return objectSize(root + pointer.dataKey()).filter(size -> size == pointer.size()).isPresent();
    }

    /** Makes all the upload's bytes one object and returns its key (below the root). */
    private String completeData(String uploadId, UploadState state) throws IOException {
        if (state.multipartId() == null) {
            if (state.tailKey() != null) {
                return state.tailKey(); // smaller than a part: the tail object is the blob
            }
            // A key of its own: a delayed commit of this empty state must never overwrite the
            // data object a later state of the same upload completed (and a pointer may name).
            String empty = "blobdata/" + uploadId + "/empty-" + UUID.randomUUID();
            put(root + empty, new byte[0], true);
            return empty;
        }
        String key = "blobdata/" + uploadId + "/data";
        String tailEtag = state.tailPartEtag();
        if (state.tailSize() > 0 && tailEtag == null) {
            tailEtag = uploadTailPart(uploadId, state);
        }
        try {
            completeMultipart(key, state, tailEtag);
        } catch (S3Exception e) {
            if (!isInvalidPart(e)) {
                throw S3Failures.wrap("S3 complete multipart upload " + key, e);
            }
            if (state.tailSize() == 0) {
                throw overwritten(uploadId);
            }
            // A chunk that failed after this state was saved may have overwritten the tail's
            // part (S3 checks every part's ETag): upload the tail again from its object.
            LOG.info("upload {}: the tail's part was overwritten; uploading it again", uploadId);
            String repaired = uploadTailPart(uploadId, state);
            try {
                completeMultipart(key, state, repaired);
            } catch (S3Exception again) {
                if (isInvalidPart(again)) {
                    throw overwritten(uploadId);
                }
                throw S3Failures.wrap("S3 complete multipart upload " + key, again);
            }
        }
        return key;
    }

    private static boolean isInvalidPart(S3Exception e) {
        return e.awsErrorDetails() != null && "InvalidPart".equals(e.awsErrorDetails().errorCode());
    }

    /** A full part no longer holds what the state says: only a racing append can have done that. */
    private static UploadChangedException overwritten(String uploadId) {
        return new UploadChangedException("upload " + uploadId + " lost data to a concurrent request that wrote "
                + "the same part; start the upload again");
    }

    private void completeMultipart(String key, UploadState state, String tailEtag) throws IOException {
        List<CompletedPart> completed = new ArrayList<>();
        for (int i = 0; i < state.parts().size(); i++) {
            completed.add(CompletedPart.builder().partNumber(i + 1).eTag(state.parts().get(i)).build());
        }
        if (state.tailSize() > 0) {
            completed.add(CompletedPart.builder().partNumber(state.parts().size() + 1).eTag(tailEtag).build());
        }
        try {
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(bucket).key(root + key)
                    .uploadId(state.multipartId()).multipartUpload(m -> m.parts(completed)).build());
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && objectSize(root + key).filter(size -> size == state.size()).isPresent()) {
                // Completed by a concurrent commit of this same upload. An object of another
                // size is not that: an upload revived by a late append named other parts.
                return;
            }
            if (e.statusCode() == 404) {
                throw new NotFoundException("upload " + key);
            }
            if (e.statusCode() == 400) {
                throw e; // InvalidPart and the like: the caller may repair
            }
            throw S3Failures.wrap("S3 complete multipart upload " + key, e);
        } catch (SdkException e) {
            throw S3Failures.wrap("S3 complete multipart upload " + key, e);
        }
    }

    private String uploadTailPart(String uploadId, UploadState state) throws IOException {
        try (PartBuffer buffer = new PartBuffer(PART_MEMORY_LIMIT, memoryBudget)) {
            loadTail(uploadId, state, buffer);
            return uploadPart(uploadId, state.multipartId(), state.parts().size() + 1, buffer);
        }
    }

    /** @throws ConcurrentChangeException if the tail is gone: a newer state, a cancel or a commit replaced it */
    private void loadTail(String uploadId, UploadState state, PartBuffer buffer) throws IOException {
        String key = root + state.tailKey();
        try (InputStream tail = getObject(uploadId, key)) {
            buffer.fill(tail, state.tailSize());
        }
        if (buffer.size() != state.tailSize()) {
            throw new IOException("tail object " + key + " has " + buffer.size() + " bytes, expected "
                    + state.tailSize());
        }
    }

    /** An object of an upload in progress. @throws ConcurrentChangeException if it is gone */
    private ResponseInputStream<GetObjectResponse> getObject(String uploadId, String key) throws IOException {
        return callOnUpload(uploadId, () -> s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    private String createMultipart(String uploadId) throws IOException {
        String key = root + "blobdata/" + uploadId + "/data";
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder().bucket(bucket).key(key)
                .contentType(OCTET_STREAM).serverSideEncryption(encryption).storageClass(storageClass);
        return call(() -> s3.createMultipartUpload(request.build()).uploadId());
    }

    private String uploadPart(String uploadId, String multipartId, int number, PartBuffer buffer)
            throws IOException {
        String key = root + "blobdata/" + uploadId + "/data";
        long length = buffer.size();
        RequestBody body = buffer.body();
        return callOnUpload(uploadId, () -> s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(multipartId)
                .partNumber(number).contentLength(length), body).eTag());
    }

    private void abortQuietly(String uploadId, String multipartId) {
        String key = root + "blobdata/" + uploadId + "/data";
        try {
            s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket).key(key)
                    .uploadId(multipartId).build());
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                LOG.warn("could not abort multipart upload of {}: {}", key, e.getMessage());
            }
        } catch (SdkException e) {
            LOG.warn("could not abort multipart upload of {}: {}", key, e.getMessage());
        }
    }

    // ---- blob pointers ----

    private String pointerKey(Digest digest) {
        return root + "blobs/" + digest.algorithm().id() + "/" + digest.hex();
    }

    private Optional<Pointer> pointer(Digest digest) throws IOException {
        Optional<byte[]> bytes = getBytes(pointerKey(digest));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node = JSON.readTree(bytes.get());
        return Optional.of(new Pointer(node.get("key").asText(), node.get("size").asLong()));
    }

    private void writePointer(Digest digest, Pointer pointer) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", pointer.dataKey());
        node.put("size", pointer.size());
        put(pointerKey(digest), JSON.writeValueAsBytes(node), false);
    }

    // ---- S3 calls ----

    /** Maps a metadata path to its key, refusing paths that are not plain relative paths. */
    private String key(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("not a storage path: " + path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a storage path: " + path);
            }
        }
        return root + path;
    }

    private Optional<byte[]> getBytes(String key) throws IOException {
        return S3Objects.getIfPresent(s3, bucket, key).map(ResponseBytes::asByteArray);
    }

    private boolean exists(String key) throws IOException {
        return objectSize(key).isPresent();
    }

    /** The object's size, or empty if there is none. */
    private Optional<Long> objectSize(String key) throws IOException {
        return S3Objects.sizeIfPresent(s3, bucket, key);
    }

    private void put(String key, byte[] content, boolean blobData) throws IOException {
        putBody(key, RequestBody.fromBytes(content), blobData);
    }

    private void putBody(String key, RequestBody body, boolean blobData) throws IOException {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key)
                .contentType(OCTET_STREAM).serverSideEncryption(encryption);
        if (blobData) {
            request.storageClass(storageClass);
        }
        call(() -> s3.putObject(request.build(), body));
    }

    /** Deletes these keys in one request; what fails is left for the purge or garbage collection. */
    private void deleteQuietly(List<String> keys) {
        try {
            deleteObjects(keys).forEach(e -> LOG.warn("could not delete {}: {}", e.key(), e.message()));
        } catch (SdkException e) {
            LOG.warn("could not delete {}: {}", keys, e.getMessage());
        }
    }

    /** One DeleteObjects request (at most 1,000 keys); what S3 could not delete. */
    private List<S3Error> deleteObjects(List<String> keys) {
        List<ObjectIdentifier> objects = keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        return s3.deleteObjects(DeleteObjectsRequest.builder().bucket(bucket)
                .delete(Delete.builder().objects(objects).quiet(true).build()).build()).errors();
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            LOG.warn("could not delete {}: {}", key, e.getMessage());
        }
    }

    /** Deletes every object whose key starts with {@code prefix}, except {@code keep}. */
    private void deletePrefix(String prefix, String keep) throws IOException {
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call(() -> s3.listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(bucket).prefix(prefix).continuationToken(continuation).build()));
            List<String> batch = page.contents().stream().map(S3Object::key).filter(k -> !k.equals(keep)).toList();
            if (!batch.isEmpty()) {
                List<S3Error> errors = call(() -> deleteObjects(batch));
                if (!errors.isEmpty()) {
                    throw new IOException("S3 could not delete " + errors.size() + " object(s) under "
                            + prefix + ", e.g. " + errors.get(0).key() + ": " + errors.get(0).message());
                }
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    @FunctionalInterface
    private interface S3Call<T> {
        T run() throws IOException;
    }

    /**
     * Runs an S3 request on an upload's own objects, where a 404 means that a concurrent request
     * moved the upload on: a newer state replaced the tail, a commit completed or a cancel
     * aborted the multipart upload, a cancel removed the data.
     */
    private static <T> T callOnUpload(String uploadId, S3Call<T> request) throws IOException {
        try {
            return call(request);
        } catch (IOException e) {
            if (e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404) {
                throw new ConcurrentChangeException(uploadId);
            }
            throw e;
        }
    }

    /** Runs an S3 request, turning the SDK's unchecked exceptions into IOExceptions. */
    private static <T> T call(S3Call<T> request) throws IOException {
        try {
            return request.run();
        } catch (S3Exception e) {
            throw S3Failures.wrap("S3 " + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode())
                    + " (" + e.statusCode() + ")", e);
        } catch (SdkException e) {
            throw S3Failures.wrap("S3", e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * An object's bytes; closing it before the end aborts the HTTP exchange rather than reading
     * the rest of a possibly huge object just to reuse the connection.
     */
    private static final class RangeStream extends FilterInputStream {
        private final ResponseInputStream<GetObjectResponse> response;
        private long remaining;

        RangeStream(ResponseInputStream<GetObjectResponse> response, long length) {
            super(response);
            this.response = response;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (remaining > 0) {
                response.abort();
            }
            super.close();
        }
    }
}
