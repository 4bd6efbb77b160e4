package dev.berth.registry.http.handlers;

import dev.berth.registry.auth.Action;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.http.ByteRange;
import dev.berth.registry.http.Digests;
import dev.berth.registry.http.ErrorCode;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RegistryException;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.BlobStore;
import dev.berth.registry.storage.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** {@code /v2/<name>/blobs/<digest>}: GET and HEAD (with byte ranges), DELETE when enabled. */
public final class BlobHandler implements RouteHandler {

    /** How long a redirect's presigned URL stays valid (registry:2 uses 20 minutes too). */
    static final Duration REDIRECT_TTL = Duration.ofMinutes(20);

    private final BlobStore storage;
    private final RepositoryBlobs blobs;
    private final boolean deleteEnabled;

    public BlobHandler(BlobStore storage, RepositoryBlobs blobs, boolean deleteEnabled) {
        this.storage = storage;
        this.blobs = blobs;
        this.deleteEnabled = deleteEnabled;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        switch (exchange.method()) {
            case "GET", "HEAD" -> {
                exchange.access().require(name, Action.PULL);
                get(exchange, name, Digests.require(parameter));
            }
            case "DELETE" -> {
                exchange.access().require(name, Action.DELETE);
                delete(exchange, name, Digests.require(parameter));
            }
            default -> throw RouteHandler.unsupported(exchange, deleteEnabled ? "GET, HEAD, DELETE" : "GET, HEAD");
        }
    }

    private void get(Exchange exchange, String name, Digest digest) throws IOException {
        // A HEAD is how pushers find a layer present before they push only its manifest: it refreshes.
        StoredBlob blob = (exchange.isHead() ? blobs.findRefreshed(name, digest) : blobs.find(name, digest))
                .orElseThrow(() -> unknown(name, digest));
        long size = blob.size();
        if (!exchange.isHead()) {
            // Object storage serves the bytes itself (registry:2's default; storage.redirect.disable
            // turns it off). The URL expires, so the answer must not be cached.
            Optional<URI> redirect = storage.blobRedirect(blob, REDIRECT_TTL);
            if (redirect.isPresent()) {
                exchange.header("Docker-Content-Digest", digest.toString())
                        .header("Cache-Control", "no-store")
                        .header("Location", redirect.get().toString())
                        .send(307);
                return;
            }
        }
        Optional<ByteRange> range = ByteRange.ofRangeHeader(exchange.header("Range"), size);
        exchange.header("Docker-Content-Digest", digest.toString())
                .header("ETag", "\"" + digest + "\"")
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "max-age=31536000");
        long first = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        int status = 200;
        if (range.isPresent()) {
            status = 206;
            exchange.header("Content-Range", "bytes " + range.get().first() + "-" + range.get().last() + "/" + size);
        }
        if (exchange.isHead()) {
            exchange.send(status, "application/octet-stream", length, InputStream.nullInputStream());
            return;
        }
        try (InputStream content = storage.readBlob(blob, first, length)) {
            exchange.send(status, "application/octet-stream", length, content);
        } catch (NotFoundException e) {
            throw unknown(name, digest); // deleted between stat and read
        }
    }

    private void delete(Exchange exchange, String name, Digest digest) throws IOException {
        if (!deleteEnabled) {
            throw new RegistryException(ErrorCode.UNSUPPORTED,
                    "deleting is disabled on this registry (storage.delete.enabled: false)").withHeader("Allow", "GET, HEAD");
        }
        if (!blobs.unlink(name, digest)) {
            throw unknown(name, digest);
        }
        exchange.send(202);
    }

    private static RegistryException unknown(String name, Digest digest) {
        return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not in repository " + name);
    }
}
