package dev.berth.registry.http.handlers;

import dev.berth.registry.content.MissingReferenceException;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.content.StoredManifest;
import dev.berth.registry.http.Digests;
import dev.berth.registry.http.ErrorCode;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RegistryException;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.oci.InvalidManifestException;
import dev.berth.registry.oci.Manifest;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /v2/<name>/manifests/<tag or digest>}: GET, HEAD, PUT, DELETE. */
public final class ManifestHandler implements RouteHandler {

    private final RepositoryManifests manifests;
    private final boolean deleteEnabled;

    public ManifestHandler(RepositoryManifests manifests, boolean deleteEnabled) {
        this.manifests = manifests;
        this.deleteEnabled = deleteEnabled;
    }

    @Override
    public void handle(Exchange exchange, String name, String reference) throws IOException {
        switch (exchange.method()) {
            case "GET", "HEAD" -> {
                parseReference(reference, () -> unknown(name, reference));
                get(exchange, name, reference);
            }
            case "PUT" -> put(exchange, name, reference, parseReference(reference, () -> new RegistryException(
                    ErrorCode.MANIFEST_INVALID, "'" + reference + "' is neither a digest nor a valid tag (up to 128"
                            + " of [A-Za-z0-9_.-], not starting with '.' or '-')")));
            case "DELETE" -> delete(exchange, name, reference, parseReference(reference, () -> unknown(name, reference)));
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
        byte[] body = readLimited(exchange);
        Manifest manifest;
        try {
            manifest = Manifest.parse(body, exchange.header("Content-Type").orElse(""));
        } catch (InvalidManifestException e) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, e.getMessage());
        }
        DigestAlgorithm algorithm = byDigest.map(Digest::algorithm).orElse(DigestAlgorithm.SHA256);
        Digest actual = Digest.compute(algorithm, body);
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

    private static byte[] readLimited(Exchange exchange) throws IOException {
        long declared = exchange.contentLength();
        if (declared > Manifest.MAX_BYTES) {
            throw tooLarge(declared);
        }
        byte[] body = exchange.body().readNBytes(Manifest.MAX_BYTES + 1);
        if (body.length > Manifest.MAX_BYTES) {
            throw tooLarge(body.length);
        }
        return body;
    }

    private static RegistryException tooLarge(long size) {
        return new RegistryException(ErrorCode.SIZE_INVALID, 413, "manifest of " + size + " bytes is larger than the "
                + Manifest.MAX_BYTES + " bytes allowed");
    }

    private static RegistryException unknown(String name, String reference) {
        return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is not in repository "
                + name);
    }
}
