package dev.berth.registry.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.Manifest;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Manifests, tags and the referrers index of repositories. */
public final class RepositoryManifests {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Layers that live outside the registry (Windows base layers) and need not be pushed. */
    private static final Set<String> FOREIGN_LAYERS = Set.of(
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");

    private final Storage storage;
    private final RepositoryBlobs blobs;
    private final Catalog catalog;
    private final Referrers referrers;
    private final BlobRefresh refresh;

    public RepositoryManifests(Storage storage, RepositoryBlobs blobs, Catalog catalog) {
        this(storage, blobs, catalog, BlobRefresh.standard(Clock.systemUTC()));
    }

    public RepositoryManifests(Storage storage, RepositoryBlobs blobs, Catalog catalog, BlobRefresh refresh) {
        this.refresh = refresh;
        this.storage = storage;
        this.blobs = blobs;
        this.catalog = catalog;
        this.referrers = new Referrers(storage);
    }

    public Referrers referrers() {
        return referrers;
    }

    /** Finds a manifest by tag or by digest. */
    public Optional<StoredManifest> resolve(String repository, String reference) throws IOException {
        Optional<Digest> digest = Digest.parse(reference);
        if (digest.isEmpty()) {
            Optional<byte[]> tagged = storage.read(StoragePaths.tag(repository, reference));
            if (tagged.isEmpty()) {
                return Optional.empty();
            }
            digest = Digest.parse(new String(tagged.get(), StandardCharsets.UTF_8).trim());
            if (digest.isEmpty()) {
                return Optional.empty();
            }
        }
        return revision(repository, digest.get());
    }

    /** The manifest's bytes. */
    public InputStream open(StoredManifest manifest) throws IOException {
        return storage.readBlob(manifest.digest(), 0, manifest.size());
    }

    /**
     * Stores a verified manifest under its digest and, if given, a tag. Everything it references
     * must already be in the repository. Everything it references, and the manifest's own blob,
     * is refreshed before the manifest is stored, so that a garbage collection running now cannot
     * delete it (see {@link BlobRefresh}).
     */
    public StoredManifest put(String repository, Optional<String> tag, byte[] body, Manifest manifest, Digest digest)
            throws IOException, MissingReferenceException {
        checkReferences(repository, manifest);
        if (!storage.refreshBlob(digest, refresh.refreshIfBefore())) {
            storage.writeBlob(digest, body);
        }
        StoredManifest stored = new StoredManifest(digest, manifest.mediaType(), body.length,
                manifest.subject().map(Descriptor::digest));
        storage.write(StoragePaths.manifestRevision(repository, digest), revisionRecord(stored));
        if (manifest.subject().isPresent()) {
            referrers.add(repository, manifest.subject().get().digest(), digest, manifest, body.length);
        }
        if (tag.isPresent()) {
            storage.write(StoragePaths.tag(repository, tag.get()), digest.toString().getBytes(StandardCharsets.UTF_8));
        }
        catalog.add(repository);
        return stored;
    }

    /** Deletes the manifest, every tag that points at it, and its entry in its subject's referrers. */
    public boolean delete(String repository, Digest digest) throws IOException {
        Optional<StoredManifest> stored = revision(repository, digest);
        if (stored.isEmpty()) {
            return false;
        }
        for (String tag : storage.list(StoragePaths.tags(repository))) {
            Optional<byte[]> target = storage.read(StoragePaths.tag(repository, tag));
            if (target.isPresent() && new String(target.get(), StandardCharsets.UTF_8).trim().equals(digest.toString())) {
                storage.delete(StoragePaths.tag(repository, tag));
            }
        }
        if (stored.get().subject().isPresent()) {
            referrers.remove(repository, stored.get().subject().get(), digest);
        }
        return storage.delete(StoragePaths.manifestRevision(repository, digest));
    }

    public boolean deleteTag(String repository, String tag) throws IOException {
        return storage.delete(StoragePaths.tag(repository, tag));
    }

    /** The repository's tags in lexical order. */
    public List<String> tags(String repository) throws IOException {
        List<String> tags = new ArrayList<>();
        for (String name : storage.list(StoragePaths.tags(repository))) {
            if (Tag.isValid(name)) {
                tags.add(name);
            }
        }
        tags.sort(null);
        return tags;
    }

    public boolean repositoryExists(String repository) throws IOException {
        return catalog.contains(repository);
    }

    private void checkReferences(String repository, Manifest manifest) throws IOException, MissingReferenceException {
        if (manifest.isIndex()) {
            for (Descriptor child : manifest.manifests()) {
                // Refreshed before the revision is checked: a collection deleting an untagged
                // child re-reads its blob after removing the revision and puts it back if refreshed.
                if (!storage.refreshBlob(child.digest(), refresh.refreshIfBefore())
                        || revision(repository, child.digest()).isEmpty()) {
                    throw new MissingReferenceException(child.digest(), true);
                }
            }
            return;
        }
        Descriptor config = manifest.config().orElseThrow();
        if (!isLinkedAndRefreshed(repository, config.digest())) {
            throw new MissingReferenceException(config.digest(), false);
        }
        for (Descriptor layer : manifest.layers()) {
            if (!FOREIGN_LAYERS.contains(layer.mediaType()) && !isLinkedAndRefreshed(repository, layer.digest())) {
                throw new MissingReferenceException(layer.digest(), false);
            }
        }
        // The subject need not exist: OCI 1.1 lets referrers be pushed before their subject.
    }

    private boolean isLinkedAndRefreshed(String repository, Digest digest) throws IOException {
        return blobs.isLinked(repository, digest) && storage.refreshBlob(digest, refresh.refreshIfBefore());
    }

    private Optional<StoredManifest> revision(String repository, Digest digest) throws IOException {
        Optional<byte[]> record = storage.read(StoragePaths.manifestRevision(repository, digest));
        if (record.isEmpty()) {
            return Optional.empty();
        }
        JsonNode node = JSON.readTree(record.get());
        Optional<Digest> subject = node.hasNonNull("subject") ? Digest.parse(node.get("subject").asText())
                : Optional.empty();
        return Optional.of(new StoredManifest(digest, node.get("mediaType").asText(), node.get("size").asLong(),
                subject));
    }

    private static byte[] revisionRecord(StoredManifest stored) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", stored.mediaType());
        node.put("size", stored.size());
        stored.subject().ifPresent(s -> node.put("subject", s.toString()));
        return JSON.writeValueAsBytes(node);
    }
}
