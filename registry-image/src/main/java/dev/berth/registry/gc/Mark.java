package dev.berth.registry.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.InvalidManifestException;
import dev.berth.registry.oci.Manifest;
import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.storage.StoredBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mark phase: every digest some kept manifest needs (the manifests themselves, configs,
 * layers, index children; with delete-untagged, what tags reach, including the referrers of
 * what they reach). A manifest that cannot be read makes the mark incomplete: then nothing may
 * be deleted, since its blobs would look unreferenced.
 */
final class Mark {

    private static final Logger LOG = LoggerFactory.getLogger(Mark.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A repository's link to a blob no kept manifest of anyone references (yet). */
    record Link(String repository, Digest digest) {}

    /** A manifest of a repository that no tag reaches. */
    record Untagged(String repository, Digest digest) {}

    private final Storage storage;
    private final Progress progress;
    private final Set<Digest> marked = new HashSet<>();
    private final List<Link> unmarkedLinks = new ArrayList<>();
    private final List<Untagged> untagged = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();
    private long manifests;
    private long broken;

    Mark(Storage storage, Progress progress) {
        this.storage = storage;
        this.progress = progress;
    }

    /** Marks from one repository's manifests: all of them, or only what its tags reach. */
    void repository(String repository, boolean deleteUntagged) throws IOException {
        List<Digest> revisions = digestsBelow(StoragePaths.manifestRevisions(repository));
        Set<Digest> reached = new HashSet<>();
        if (deleteUntagged) {
            for (Digest tagged : taggedDigests(repository)) {
                visit(repository, tagged, reached, true);
            }
            for (Digest revision : revisions) {
                if (!reached.contains(revision)) {
                    untagged.add(new Untagged(repository, revision));
                }
            }
        } else {
            for (Digest revision : revisions) {
                visit(repository, revision, reached, false);
            }
        }
    }

    /** Marks what a manifest the collection keeps after all needs (an untagged one it could not delete). */
    void keep(String repository, Digest manifest) throws IOException {
        visit(repository, manifest, new HashSet<>(), false);
    }

    /** Notes the repository's links to blobs that are not marked (call once everything is marked). */
    void links(String repository) throws IOException {
        for (Digest linked : digestsBelow(StoragePaths.repository(repository) + "/_layers")) {
            progress.step("links");
            if (!marked.contains(linked)) {
                unmarkedLinks.add(new Link(repository, linked));
            }
        }
    }

    private void visit(String repository, Digest digest, Set<Digest> reached, boolean withReferrers)
            throws IOException {
        if (!reached.add(digest)) {
            return;
        }
        marked.add(digest);
        Optional<Manifest> manifest = read(repository, digest);
        if (manifest.isEmpty()) {
            return;
        }
        manifests++;
        manifest.get().config().map(Descriptor::digest).ifPresent(marked::add);
        for (Descriptor layer : manifest.get().layers()) {
            marked.add(layer.digest());
        }
        for (Descriptor child : manifest.get().manifests()) {
            visit(repository, child.digest(), reached, withReferrers);
        }
        if (withReferrers) {
            for (String entry : storage.list(StoragePaths.referrers(repository, digest))) {
                Optional<Digest> referrer = Digest.parse(entry.replaceFirst("-", ":"));
                if (referrer.isPresent()) {
                    visit(repository, referrer.get(), reached, true);
                }
            }
        }
    }

    /** The manifest as stored in the repository; empty if it is not there (deleted meanwhile) or broken. */
    private Optional<Manifest> read(String repository, Digest digest) throws IOException {
        progress.step("manifests");
        Optional<byte[]> record = storage.read(StoragePaths.manifestRevision(repository, digest));
        if (record.isEmpty()) {
            return Optional.empty(); // deleted since listed, or a tag/child naming nothing stored
        }
        String mediaType;
        try {
            JsonNode node = JSON.readTree(record.get());
            mediaType = node.get("mediaType").asText();
        } catch (IOException | RuntimeException e) {
            unreadable.add(repository + "@" + digest + " (revision record: " + e.getMessage() + ")");
            return Optional.empty();
        }
        Optional<StoredBlob> blob = storage.findBlob(digest);
        if (blob.isEmpty()) {
            broken++;
            LOG.warn("manifest {}@{} has no blob (it was broken before this collection)", repository, digest);
            return Optional.empty();
        }
        byte[] body;
        try (InputStream in = storage.readBlob(blob.get(), 0, blob.get().size())) {
            body = in.readAllBytes();
        } catch (NotFoundException e) {
            broken++;
            LOG.warn("manifest {}@{} has no blob (it was broken before this collection)", repository, digest);
            return Optional.empty();
        }
        try {
            return Optional.of(Manifest.parse(body, mediaType));
        } catch (InvalidManifestException e) {
            unreadable.add(repository + "@" + digest + " (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private List<Digest> taggedDigests(String repository) throws IOException {
        List<Digest> tagged = new ArrayList<>();
        for (String tag : storage.list(StoragePaths.tags(repository))) {
            storage.read(StoragePaths.tag(repository, tag))
                    .flatMap(bytes -> Digest.parse(new String(bytes, StandardCharsets.UTF_8).trim()))
                    .ifPresent(tagged::add);
        }
        return tagged;
    }

    /** Digests stored as {@code <folder>/<alg>/<hex>}. */
    private List<Digest> digestsBelow(String folder) throws IOException {
        List<Digest> digests = new ArrayList<>();
        for (String algorithm : storage.list(folder)) {
            for (String hex : storage.list(folder + "/" + algorithm)) {
                Digest.parse(algorithm + ":" + hex).ifPresent(digests::add);
            }
        }
        return digests;
    }

    Set<Digest> marked() {
        return marked;
    }

    List<Link> unmarkedLinks() {
        return unmarkedLinks;
    }

    List<Untagged> untagged() {
        return untagged;
    }

    /** Manifests that could not be parsed: while there are any, the collection deletes nothing. */
    List<String> unreadable() {
        return unreadable;
    }

    long manifests() {
        return manifests;
    }

    long broken() {
        return broken;
    }
}
