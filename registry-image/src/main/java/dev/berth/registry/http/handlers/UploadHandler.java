package dev.berth.registry.http.handlers;

import dev.berth.registry.auth.Action;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.http.ByteRange;
import dev.berth.registry.http.DeclaredLengthInputStream;
import dev.berth.registry.http.Digests;
import dev.berth.registry.http.ErrorCode;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RegistryException;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.http.limits.Admission;
import dev.berth.registry.http.limits.AdmittedBody;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.OffsetMismatchException;
import dev.berth.registry.storage.UploadChangedException;
import dev.berth.registry.upload.DigestMismatchException;
import dev.berth.registry.upload.UploadRecord;
import dev.berth.registry.upload.UploadStateSigner;
import dev.berth.registry.upload.UploadUnknownException;
import dev.berth.registry.upload.Uploads;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code /v2/<name>/blobs/uploads/[<id>]}: start (POST, also monolithic and cross-repository
 * mount), status (GET), chunks (PATCH), finish (PUT) and cancel (DELETE).
 */
public final class UploadHandler implements RouteHandler {

    private final Uploads uploads;
    private final RepositoryBlobs blobs;
    private final UploadStateSigner signer;
    private final long minimumChunkLength;
    private final Admission bodies;
    private final Duration bodyTimeout;
    private final UploadLocks locks = new UploadLocks();

    /**
     * @param bodies the places for upload bodies being read: each holds an upload's buffers,
     *     so their number bounds the memory of all uploads in flight
     * @param bodyTimeout after this long, a body slower than {@link AdmittedBody}'s floor is cut
     */
    public UploadHandler(Uploads uploads, RepositoryBlobs blobs, UploadStateSigner signer, long minimumChunkLength,
            Admission bodies, Duration bodyTimeout) {
        this.uploads = uploads;
        this.blobs = blobs;
        this.signer = signer;
        this.minimumChunkLength = minimumChunkLength;
        this.bodies = bodies;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public void handle(Exchange exchange, String name, String id) throws IOException {
        // Every upload request is part of a push; refused before any of the body is read.
        exchange.access().require(name, Action.PUSH);
        // The body takes a place once its first byte arrives, and keeps it until the answer.
        try (AdmittedBody body = AdmittedBody.upload(exchange.body(), bodies, bodyTimeout)) {
            handle(exchange, name, id, body);
        }
    }

    private void handle(Exchange exchange, String name, String id, InputStream body) throws IOException {
        try {
            if (id.isEmpty()) {
                if (!exchange.method().equals("POST")) {
                    throw RouteHandler.unsupported(exchange, "POST");
                }
                start(exchange, name, body);
                return;
            }
            if (exchange.method().equals("GET") || exchange.method().equals("HEAD")) {
                // HEAD as registry:2 answers it: the same status, which has no body anyway.
                status(exchange, find(exchange, name, id));
                return;
            }
            // Requests that change an upload run one at a time per upload within this process.
            try (UploadLocks.Held held = locks.lock(id)) {
                switch (exchange.method()) {
                    case "PATCH" -> patch(exchange, find(exchange, name, id), body);
                    case "PUT" -> finish(exchange, find(exchange, name, id), body);
                    case "DELETE" -> {
                        uploads.cancel(find(exchange, name, id));
                        exchange.send(204);
                    }
                    default -> throw RouteHandler.unsupported(exchange, "GET, HEAD, PATCH, PUT, DELETE");
                }
            }
        } catch (UploadUnknownException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, e.getMessage() + " in repository " + name);
        } catch (DigestMismatchException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage() + "; nothing was stored");
        } catch (UploadChangedException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, e.getMessage() + "; nothing was stored");
        }
    }

    private void start(Exchange exchange, String name, InputStream body)
            throws IOException, UploadUnknownException, DigestMismatchException {
        Optional<String> mount = exchange.query("mount");
        Optional<String> from = exchange.query("from");
        if (mount.isPresent() && from.isPresent() && tryMount(exchange, name, mount.get(), from.get())) {
            return;
        }
        Optional<String> digestParam = exchange.query("digest");
        if (digestParam.isPresent()) { // monolithic: the whole blob in this POST
            Digest digest = Digests.require(digestParam.get());
            UploadRecord record = uploads.start(name);
            uploads.complete(record, digest, body);
            created(exchange, name, digest);
            return;
        }
        UploadRecord record = uploads.start(name);
        exchange.header("OCI-Chunk-Min-Length", Long.toString(minimumChunkLength));
        accepted(exchange, record, 202);
    }

    /**
     * Cross-repository mount; false (fall back to a new upload) when the source cannot provide the
     * blob, or the caller may not pull from it: then nothing about the source is looked at, so the
     * answer reveals nothing of what it holds. Like registry:2, an invalid {@code from} name or {@code mount} digest is one such case,
     * not an error: the spec lets a registry that cannot mount answer 202 with a new upload.
     */
    private boolean tryMount(Exchange exchange, String name, String mount, String from) throws IOException {
        Optional<Digest> digest = Digest.parse(mount);
        if (!RepositoryName.isValid(from) || digest.isEmpty() || !exchange.access().check(from, Action.PULL)
                || !blobs.mount(from, name, digest.get())) {
            return false;
        }
        created(exchange, name, digest.get());
        return true;
    }

    private void status(Exchange exchange, UploadRecord record) throws IOException {
        accepted(exchange, record, 204);
    }

    private void patch(Exchange exchange, UploadRecord record, InputStream body)
            throws IOException, UploadUnknownException {
        InputStream chunk = chunkBody(exchange, record, body);
        UploadRecord updated;
        try {
            updated = uploads.append(record, chunk);
        } catch (OffsetMismatchException e) {
            throw outOfOrder(record, e.getMessage());
        } catch (DeclaredLengthInputStream.LengthMismatchException e) {
            throw sizeInvalid(record, e.getMessage());
        }
        accepted(exchange, updated, 202);
    }

    private void finish(Exchange exchange, UploadRecord record, InputStream body)
            throws IOException, UploadUnknownException, DigestMismatchException {
        String digestParam = exchange.query("digest").orElseThrow(() -> new RegistryException(
                ErrorCode.DIGEST_INVALID, "the final PUT of an upload needs ?digest=<algorithm>:<hex>"));
        Digest digest = Digests.require(digestParam);
        InputStream chunk = exchange.contentLength() == 0 ? InputStream.nullInputStream()
                : chunkBody(exchange, record, body);
        try {
            uploads.complete(record, digest, chunk);
        } catch (OffsetMismatchException e) {
            throw outOfOrder(record, e.getMessage());
        } catch (DeclaredLengthInputStream.LengthMismatchException e) {
            throw sizeInvalid(record, e.getMessage());
        }
        created(exchange, record.repository(), digest);
    }

    /**
     * The chunk a PATCH or final PUT carries, checked against its {@code Content-Range} if it has
     * one: it must start where the upload ends (else 416, the spec's answer to a chunk out of
     * order) and be as long as the range (else 400 SIZE_INVALID; with chunked encoding that shows
     * only at the body's end, which then stores nothing).
     */
    private InputStream chunkBody(Exchange exchange, UploadRecord record, InputStream body) throws IOException {
        Optional<String> contentRange = exchange.header("Content-Range");
        if (contentRange.isEmpty()) {
            return body;
        }
        ByteRange range = ByteRange.ofContentRange(contentRange.get()).orElseThrow(() -> new RegistryException(
                ErrorCode.BLOB_UPLOAD_INVALID, "Content-Range must be '<first>-<last>', got '"
                        + contentRange.get() + "'"));
        if (range.first() != record.size()) {
            throw outOfOrder(record, "chunk starts at " + range.first() + " but the upload holds "
                    + record.size() + " bytes");
        }
        long length = exchange.contentLength();
        if (length >= 0 && length != range.length()) {
            throw sizeInvalid(record, "Content-Range " + contentRange.get() + " covers " + range.length()
                    + " bytes but Content-Length is " + length);
        }
        return length >= 0 ? body : new DeclaredLengthInputStream(body, range.length());
    }

    private UploadRecord find(Exchange exchange, String name, String id) throws IOException, UploadUnknownException {
        Optional<String> state = exchange.query("_state");
        if (state.isPresent() && !signer.verify(name, id, state.get())) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "the upload state of " + id
                    + " is not signed by this registry's http.secret (was it started by a registry with another secret?)");
        }
        return uploads.find(name, id);
    }

    private void accepted(Exchange exchange, UploadRecord record, int status) throws IOException {
        rangeHeaders(exchange, record);
        exchange.send(status);
    }

    private void rangeHeaders(Exchange exchange, UploadRecord record) {
        exchange.header("Location", location(record))
                .header("Range", "0-" + Math.max(0, record.size() - 1))
                .header("Docker-Upload-UUID", record.id());
    }

    private RegistryException outOfOrder(UploadRecord record, String detail) {
        return withUploadHeaders(new RegistryException(ErrorCode.RANGE_INVALID, detail), record);
    }

    private RegistryException sizeInvalid(UploadRecord record, String detail) {
        return withUploadHeaders(new RegistryException(ErrorCode.SIZE_INVALID, detail + "; nothing of this chunk was"
                + " stored"), record);
    }

    /** Where the upload stands, so that the client can go on from there. */
    private RegistryException withUploadHeaders(RegistryException error, UploadRecord record) {
        return error.withHeader("Location", location(record))
                .withHeader("Range", "0-" + Math.max(0, record.size() - 1))
                .withHeader("Docker-Upload-UUID", record.id());
    }

    private String location(UploadRecord record) {
        return "/v2/" + record.repository() + "/blobs/uploads/" + record.id() + "?_state="
                + signer.sign(record.repository(), record.id());
    }

    private static void created(Exchange exchange, String name, Digest digest) throws IOException {
        exchange.header("Location", "/v2/" + name + "/blobs/" + digest)
                .header("Docker-Content-Digest", digest.toString());
        exchange.send(201);
    }
}
