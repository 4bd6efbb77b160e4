package dev.berth.registry.storage.s3;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.UploadChangedException;
import dev.berth.registry.storage.UploadProgress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an upload a blob: completes its data in place (no copy), ends the upload by replacing
 * its state (so that no racing request can change or delete what the blob keeps), writes the
 * blob's pointer and deletes what is left of the upload. A commit that stopped between ending
 * the upload and writing the pointer is finished by whoever comes next ({@link #rollForward}).
 */
final class UploadCommitter {

    private static final Logger LOG = LoggerFactory.getLogger(UploadCommitter.class);
    /**
     * How long a commit that lost to a concurrent commit of the same upload waits for the
     * winner's pointer: the winner writes it a few small requests after ending the upload.
     */
    static final Duration WINNER_POINTER_WAIT = Duration.ofSeconds(2);
    private static final Duration POINTER_POLL = Duration.ofMillis(200);

    private final UploadStates states;
    private final UploadData data;
    private final BlobPointers pointers;
    private final S3Objects objects;
    private final S3Keys keys;

    UploadCommitter(UploadStates states, UploadData data, BlobPointers pointers, S3Objects objects, S3Keys keys) {
        this.states = states;
        this.data = data;
        this.pointers = pointers;
        this.objects = objects;
        this.keys = keys;
    }

    /** See {@link dev.berth.registry.storage.Storage#commitUpload}. */
    void commit(String uploadId, Digest digest, UploadProgress verified) throws IOException {
        long startNanos = System.nanoTime();
        UploadStates.Stored stored = states.open(uploadId);
        UploadState state = stored.state();
        if (!state.progress().equals(verified)) {
            throw new UploadChangedException(uploadId, verified, state.progress());
        }
        long completeStartNanos = System.nanoTime();
        String dataKey;
        try {
            dataKey = state.sealedKey() != null ? state.sealedKey() : data.complete(uploadId, state);
        } catch (ConcurrentChangeException e) {
            throw states.lostRace(uploadId, e);
        }
        long completeNanos = System.nanoTime() - completeStartNanos;
        try {
            // From here the upload is over for everyone else: a racing append, cancel or purge
            // fails to replace this state, and so deletes nothing this commit keeps.
            states.replace(uploadId, stored, state.committedAs(digest.toString(), dataKey));
        } catch (ConcurrentChangeException | NotFoundException e) {
            Optional<UploadState> now = states.read(uploadId).map(UploadStates.Stored::state);
            if (now.isPresent() && digest.toString().equals(now.get().committedAs())) {
                awaitWinnersPointer(uploadId, digest, now.get()); // a concurrent commit of this same upload won
                return;
            }
            if (now.isEmpty() && pointers.exists(digest)) {
                return; // ... and has already finished
            }
            throw e instanceof ConcurrentChangeException lost ? states.lostRace(uploadId, lost) : e;
        }
        writePointerAndCleanUp(uploadId, digest, state, dataKey);
        LOG.info("upload {} committed as {}: {} bytes in {} part(s), {} ms, of which {} ms completing the data object",
                uploadId, digest, state.size(), state.parts().size() + (state.tailSize() > 0 ? 1 : 0),
                millis(System.nanoTime() - startNanos), millis(completeNanos));
    }

    /**
     * Points the blob at the upload's data, unless an earlier upload already made the blob, and
     * deletes what is left of the upload, by name (no listing): its state, the tail object unless
     * it is the blob, and the data if the earlier upload's is kept.
     */
    private void writePointerAndCleanUp(String uploadId, Digest digest, UploadState state, String dataKey) throws IOException {
        List<String> leftovers = new ArrayList<>();
        leftovers.add(keys.uploadState(uploadId));
        if (state.tailKey() != null && !state.tailKey().equals(dataKey)) {
            leftovers.add(keys.full(state.tailKey()));
        }
        Optional<BlobPointers.Versioned> existing = pointers.findVersioned(digest);
        // Keeping the earlier bytes also refreshes their pointer (conditionally): a garbage
        // collection that judged the old version can then no longer delete the blob this client
        // was just told it has. If the refresh loses (collected meanwhile), these bytes become the blob.
        if (existing.isPresent() && !existing.get().pointer().dataKey().equals(dataKey)
                && pointers.holdsBlob(existing.get().pointer()) && pointers.rewriteIf(digest, existing.get())) {
            leftovers.add(keys.full(dataKey)); // keep the earlier upload's bytes, drop these
        } else {
            pointers.write(digest, new BlobPointers.Pointer(dataKey, state.size()));
        }
        objects.deleteQuietly(leftovers);
    }

    /**
     * Writes the pointer of a committed upload whose commit did not (it stopped after ending
     * the upload), if its data is there.
     */
    void rollForward(String uploadId, Digest digest, UploadState committed) throws IOException {
        BlobPointers.Pointer pointer = new BlobPointers.Pointer(committed.sealedKey(), committed.size());
        if (!pointers.exists(digest) && pointers.holdsBlob(pointer)) {
            LOG.info("upload {}: writing the pointer of {} its interrupted commit did not write", uploadId, digest);
            pointers.write(digest, pointer);
        }
    }

    /**
     * Returns once the blob a concurrent commit of this upload made has its pointer, so that the
     * client this commit answers finds the blob. S3 cannot notify anyone of a new object, so
     * this polls; if the pointer has not come within {@link #WINNER_POINTER_WAIT} the winner has
     * probably stopped, and this commit writes the pointer in its place.
     */
    private void awaitWinnersPointer(String uploadId, Digest digest, UploadState committed) throws IOException {
        long polls = WINNER_POINTER_WAIT.toMillis() / POINTER_POLL.toMillis();
        for (long poll = 0; poll < polls && !pointers.exists(digest); poll++) {
            try {
                Thread.sleep(POINTER_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a concurrent commit of upload " + uploadId, e);
            }
        }
        rollForward(uploadId, digest, committed);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
