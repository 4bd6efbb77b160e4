package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.HashStateSource;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.UploadChangedException;
import dev.berth.registry.storage.UploadProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Appends a chunk to an upload: cuts it into parts as it arrives (after the previous tail),
 * uploads each full part, keeps the rest as the new tail, and then makes it all take effect by
 * replacing the upload's state. Whatever an append wrote that no saved state names is removed.
 */
final class UploadAppender {

    private final UploadStates states;
    private final UploadData data;
    private final S3Objects objects;
    private final S3Keys keys;
    private final PartSizes partSizes;

    UploadAppender(UploadStates states, UploadData data, S3Objects objects, S3Keys keys, PartSizes partSizes) {
        this.states = states;
        this.data = data;
        this.objects = objects;
        this.keys = keys;
        this.partSizes = partSizes;
    }

    /** See {@link dev.berth.registry.storage.Storage#appendUpload}. */
    UploadProgress append(String uploadId, UploadProgress at, InputStream chunk, HashStateSource hashAfter)
            throws IOException {
        long offset = at.size();
        UploadStates.Stored stored = states.open(uploadId);
        UploadState state = stored.state();
        state.progress().requireAppendAt(uploadId, at);
        PushbackInputStream in = new PushbackInputStream(chunk, 1);
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
        try (PartBuffer buffer = data.newPartBuffer()) {
            if (state.tailSize() > 0) {
                data.loadTail(uploadId, state, buffer);
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
                    multipartId = data.createMultipart(uploadId);
                    createdMultipart = true;
                }
                parts.add(data.uploadPart(uploadId, multipartId, number, buffer));
                buffer.reset();
            }
            long size = offset + received;
            String tailPartEtag = null;
            long tailSize = buffer.size();
            if (tailSize > 0) {
                tailKey = keys.newTail(uploadId, size); // named before the write: a failed write is cleaned up
                data.putTail(tailKey, buffer);
                if (multipartId != null) {
                    // Uploaded now so that the commit has no data to move.
                    tailPartEtag = data.uploadPart(uploadId, multipartId, parts.size() + 1, buffer);
                }
            }
            UploadState updated = state.appended(size, multipartId, parts, tailKey, tailSize, tailPartEtag, version,
                    hashAfter.afterData());
            stateSent = true;
            states.replace(uploadId, stored, updated); // the append takes effect here, or not at all
            if (state.tailKey() != null && !state.tailKey().equals(tailKey)) {
                objects.deleteQuietly(keys.full(state.tailKey()));
            }
            return updated.progress();
        } catch (IOException | RuntimeException e) {
            // Unless its state was saved, what this append wrote is named by nothing: remove it.
            // (A part it overwrote in a shared multipart upload makes the commit of whatever
            // state won fail cleanly: S3 checks every part's ETag.)
            boolean refused = e instanceof ConcurrentChangeException || e instanceof NotFoundException;
            if (!stateSent || refused || !savedAnyway(uploadId, version)) {
                if (tailKey != null) {
                    objects.deleteQuietly(keys.full(tailKey));
                }
                if (createdMultipart) {
                    data.abortQuietly(uploadId, multipartId);
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
}
