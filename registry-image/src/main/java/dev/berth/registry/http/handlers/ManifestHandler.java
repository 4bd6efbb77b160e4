package dev.berth.registry.http.handlers;

import dev.berth.registry.auth.Action;
import dev.berth.registry.content.MissingReferenceException;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.content.StoredManifest;
import dev.berth.registry.http.Digests;
import dev.berth.registry.http.ErrorCode;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RegistryException;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.http.limits.Admission;
import dev.berth.registry.http.limits.AdmittedBody;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.oci.InvalidManifestException;
import dev.berth.registry.oci.Manifest;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /v2/<name>/manifests/<tag or digest>}: GET, HEAD, PUT, DELETE. */
public final class ManifestHandler implements RouteHandler {

    private final RepositoryManifests manifests;
    private final boolean deleteEnabled;
    private final int maxBytes;
    private final Admission bodies;
    private final Admission parsing;
    private final Duration bodyTimeout;

    /**
     * @param maxBytes the largest manifest accepted ({@code limits.manifestsize})
     * @param bodies places for manifest bodies held in memory, each up to {@code maxBytes}
     * @param parsing places for parsing and hashing them: CPU work, kept below the number of
     *     cores so that it never occupies every carrier of the virtual threads (they are not
     *     preempted, and a health check waiting behind a 4 MiB parse would time out)
     */
    public ManifestHandler(RepositoryManifests manifests, boolean deleteEnabled, int maxBytes, Admission bodies,
            Admission parsing, Duration bodyTimeout) {
        this.manifests = manifests;
        this.deleteEnabled = deleteEnabled;
        this.maxBytes = maxBytes;
        this.bodies = bodies;
        this.parsing = parsing;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public void handle(Exchange exchange, String name, String reference) throws IOException {
        switch (exchange.method()) {
            case "GET", "HEAD" -> {
                exchange.access().require(name, Action.PULL);
                parseReference(reference, () -> unknown(name, reference));
                get(exchange, name, reference);
            }
            case "PUT" -> {
                exchange.access().require(name, Action.PUSH);
                put(exchange, name, reference, parseReference(reference, () -> new RegistryException(
                    ErrorCode.MANIFEST_INVALID, "'" + reference + "' is neither a digest nor a valid tag (up to 128"
                            + " of [A-Za-z0-9_.-], not starting with '.' or '-')")));
            }
            case "DELETE" -> {
                exchange.access().require(name, Action.DELETE);
                delete(exchange, name, reference, parseReference(reference, () -> unknown(name, reference)));
            }
            default -> throw RouteHandler.unsupported(exchange, deleteEnabled ? "GET, HEAD, PUT, DELETE" : "GET, HEAD, PUT");
        }
    }

    private void get(Exchange exchange, String name, String reference) throws IOException {
        StoredManifest manifest = manifests.resolve(name, reference).orElseThrow(() -> unknown(name, reference));
        if (!AcceptHeader.allows(exchange.headerValues("Accept"), manifest.mediaType())) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is "
                    + manifest.mediaType() + ", which the request's Accept header does not allow");
        }
        exchange.header("Docker-Content-Digest", manifest.digest().toString())
                .header("ETag", "\"" + manifest.digest() + "\"");
        if (exchange.isHead()) {
            exchange.send(200, manifest.mediaType(), manifest.size(), InputStream.nullInputStream());
            return;
        }
        try (InputStream content = manifests.open(manifest)) {
            exchange.send(200, manifest.mediaType(), manifest.size(), content);
        } catch (NotFoundException e) {
            throw unknown(name, reference);
        }
    }

    private void put(Exchange exchange, String name, String reference, Optional<Digest> byDigest) throws IOException {
        // The body holds a place from its first byte to the answer: the places bound the memory
        // of all manifests in flight, however slowly their clients send them.
        try (AdmittedBody admitted = AdmittedBody.small(exchange.body(), bodies, bodyTimeout)) {
            put(exchange, name, reference, byDigest, readLimited(exchange, admitted));
        }
    }

    private void put(Exchange exchange, String name, String reference, Optional<Digest> byDigest, byte[] body)
            throws IOException {
        Manifest manifest;
        Digest actual;
        try (Admission.Permit cpu = parsing.enter()) {
            manifest = Manifest.parse(body, exchange.header("Content-Type").orElse(""));
            actual = Digest.compute(byDigest.map(Digest::algorithm).orElse(DigestAlgorithm.SHA256), body);
        } catch (InvalidManifestException e) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, e.getMessage());
        }
        if (byDigest.isPresent() && !byDigest.get().equals(actual)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest body has digest " + actual
                    + ", not " + byDigest.get() + "; nothing was stored");
        }
        Optional<String> tag = byDigest.isPresent() ? Optional.empty() : Optional.of(reference);
        try {
            manifests.put(name, tag, body, manifest, actual);
        } catch (MissingReferenceException e) {
            // The spec names one code for a missing blob and a missing child manifest alike.
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, e.getMessage() + ": push it first");
        }
        exchange.header("Location", "/v2/" + name + "/manifests/" + actual)
                .header("Docker-Content-Digest", actual.toString());
        manifest.subject().map(Descriptor::digest).ifPresent(s -> exchange.header("OCI-Subject", s.toString()));
        exchange.send(201);
    }

    private void delete(Exchange exchange, String name, String reference, Optional<Digest> digest) throws IOException {
        if (!deleteEnabled) {
            throw new RegistryException(ErrorCode.UNSUPPORTED,
                    "deleting is disabled on this registry (storage.delete.enabled: false)").withHeader("Allow",
                    "GET, HEAD, PUT");
        }
        boolean deleted = digest.isPresent() ? manifests.delete(name, digest.get()) : manifests.deleteTag(name, reference);
        if (!deleted) {
            throw unknown(name, reference);
        }
        exchange.send(202);
    }

    /**
     * A digest reference, or empty for a tag. A malformed digest is 400 DIGEST_INVALID; what is
     * neither answers {@code invalidTag}: 404 where a manifest is looked up (no tag can name one,
     * as registry:2 answers), 400 MANIFEST_INVALID where one is pushed.
     */
    private static Optional<Digest> parseReference(String reference, Supplier<RegistryException> invalidTag) {
        if (reference.contains(":")) {
            return Optional.of(Digests.require(reference));
        }
        if (!Tag.isValid(reference)) {
            throw invalidTag.get();
        }
        return Optional.empty();
    }

    /**
     * The whole body, refused beyond {@code maxBytes}: with a Content-Length it is read into one
     * array of exactly that size, else into one growing up to the limit. Nothing is allocated
     * before the first byte has arrived (and so taken its place): a client that declares the
     * limit and sends nothing must not cost {@code maxBytes} of heap, or a few hundred of them
     * would exhaust it.
     */
    private byte[] readLimited(Exchange exchange, InputStream body) throws IOException {
        long declared = exchange.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(declared);
        }
        int first = body.read();
        if (first < 0) {
            if (declared > 0) {
                throw new RegistryException(ErrorCode.SIZE_INVALID, "manifest body of 0 bytes does not match its"
                        + " Content-Length " + declared);
            }
            return new byte[0];
        }
        if (declared >= 0) {
            byte[] bytes = new byte[(int) declared];
            bytes[0] = (byte) first;
            int n = 1 + body.readNBytes(bytes, 1, bytes.length - 1);
            if (n != bytes.length || body.read() >= 0) {
                throw new RegistryException(ErrorCode.SIZE_INVALID, "manifest body of " + n
                        + " bytes does not match its Content-Length " + declared);
            }
            return bytes;
        }
        // Never larger than the limit allows: a body that fits the first array must still be refused.
        byte[] bytes = new byte[Math.min(16 * 1024, maxBytes + 1)];
        bytes[0] = (byte) first;
        int length = 1;
        while (true) {
            if (length == bytes.length) {
                if (length > maxBytes) {
                    throw tooLarge(length);
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min((long) maxBytes + 1, 2L * length));
            }
            int n = body.read(bytes, length, bytes.length - length);
            if (n < 0) {
                return Arrays.copyOf(bytes, length);
            }
            length += n;
        }
    }

    private RegistryException tooLarge(long size) {
        return new RegistryException(ErrorCode.SIZE_INVALID, 413, "manifest of " + size + " bytes is larger than the "
                + maxBytes + " bytes allowed");
    }

    private static RegistryException unknown(String name, String reference) {
        return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is not in repository "
                + name);
    }
}
