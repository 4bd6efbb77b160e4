package dev.berth.registry.gc;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.BlobVersion;
import dev.berth.registry.storage.OrphanData;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.upload.StaleUploads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online garbage collection: frees blobs no manifest references while registries keep serving
 * from the same storage. Mark from every manifest of every repository, then delete each
 * unmarked blob older than the grace period, by version, so that a manifest PUT that refreshed
 * it meanwhile keeps it. Why that is safe, with any number of instances: docs/garbage-collection.md.
 */
public final class GarbageCollector {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final Storage storage;
    private final GcOptions options;
    private final Clock clock;
    private final Progress progress = new Progress();
    /** Called between the mark and the sweep; tests play a racing push there. */
    private final Runnable afterMark;

    public GarbageCollector(Storage storage, GcOptions options, Clock clock) {
        this(storage, options, clock, () -> {});
    }

    GarbageCollector(Storage storage, GcOptions options, Clock clock, Runnable afterMark) {
        this.storage = storage;
        this.options = options;
        this.clock = clock;
        this.afterMark = afterMark;
    }

    /**
     * Runs one collection.
     *
     * @throws IOException if the storage fails, or a manifest cannot be read (then nothing is deleted)
     */
    public GcReport run() throws IOException {
        long startNanos = System.nanoTime();
        Instant cutoff = clock.instant().minus(options.grace());
        LOG.info("garbage collection{}: blobs last written before {} (grace {}) that no manifest references{}",
                options.dryRun() ? " (dry run)" : "", cutoff, options.grace(),
                options.deleteUntagged() ? ", untagged manifests included" : "");

        List<String> repositories = new ArrayList<>();
        for (String entry : storage.list(StoragePaths.CATALOG)) {
            repositories.add(StoragePaths.nameFromCatalogEntry(entry));
        }
        Mark mark = new Mark(storage, progress);
        for (String repository : repositories) {
            mark.repository(repository, options.deleteUntagged());
        }
        if (!mark.unreadable().isEmpty()) {
            mark.unreadable().forEach(m -> LOG.error("cannot read manifest {}", m));
            throw new IOException(mark.unreadable().size() + " manifest(s) could not be read, so the mark is"
                    + " incomplete: nothing was deleted");
        }
        long untaggedDeleted = deleteUntagged(mark, cutoff);
        afterMark.run();

        Set<Digest> freed = new HashSet<>();
        long[] scanned = {0};
        long bytesFreed = sweep(mark.marked(), cutoff, freed, scanned);

        for (String repository : repositories) {
            mark.links(repository);
        }
        long linksRemoved = removeLinks(mark.unmarkedLinks(), freed);

        OrphanData orphans = storage.collectOrphanData(cutoff, options.dryRun());
        int purged = 0;
        if (!options.dryRun() && options.uploadPurgeAge().isPresent()) {
            StaleUploads stale = new StaleUploads(storage, clock);
            purged = stale.purgeOlderThan(options.uploadPurgeAge().get());
            stale.removeCrashLeftovers();
        }
        GcReport report = new GcReport(options.dryRun(), repositories.size(), mark.manifests(), mark.marked().size(),
                scanned[0], freed.size(), bytesFreed, untaggedDeleted, linksRemoved, orphans.count(), orphans.bytes(),
                purged, mark.broken(), (System.nanoTime() - startNanos) / 1_000_000);
        report.lines().forEach(LOG::info);
        return report;
    }

    /** Deletes each unmarked blob last written before the cutoff, unless it changed since it was judged. */
    private long sweep(Set<Digest> marked, Instant cutoff, Set<Digest> freed, long[] scanned) throws IOException {
        List<Digest> candidates = new ArrayList<>();
        storage.listBlobs((digest, modified) -> {
            scanned[0]++;
            progress.step("blobs");
            if (!marked.contains(digest) && modified.isBefore(cutoff)) {
                candidates.add(digest);
            }
        });
        long bytes = 0;
        for (Digest digest : candidates) {
            progress.step("sweep");
            Optional<BlobVersion> version = storage.blobVersion(digest);
            if (version.isEmpty() || !version.get().modified().isBefore(cutoff)) {
                continue; // gone already, or written again since it was listed
            }
            if (options.dryRun() || storage.deleteBlobIfUnchanged(version.get())) {
                freed.add(digest);
                bytes += version.get().size();
                LOG.debug("{} blob {} ({} bytes)", options.dryRun() ? "would free" : "freed", digest,
                        version.get().size());
            }
        }
        return bytes;
    }

    /**
     * Deletes untagged manifests whose blob is older than the cutoff. A push may be using one
     * right now (an index whose child it is, the same manifest pushed again with a tag): such a
     * push refreshes the manifest's blob first, so after removing the revision the blob is read
     * again, and a refreshed one gets its revision back. What a kept manifest references is marked.
     */
    private long deleteUntagged(Mark mark, Instant cutoff) throws IOException {
        long deleted = 0;
        for (Mark.Untagged manifest : mark.untagged()) {
            Optional<BlobVersion> before = storage.blobVersion(manifest.digest());
            if (before.isEmpty() || !before.get().modified().isBefore(cutoff)) {
                mark.keep(manifest.repository(), manifest.digest());
                continue;
            }
            if (options.dryRun()) {
                deleted++;
                continue;
            }
            String revisionPath = StoragePaths.manifestRevision(manifest.repository(), manifest.digest());
            Optional<byte[]> revision = storage.read(revisionPath);
            if (revision.isEmpty()) {
                continue; // deleted meanwhile
            }
            storage.delete(revisionPath);
            Optional<BlobVersion> after = storage.blobVersion(manifest.digest());
            if (after.isEmpty() || !after.get().tag().equals(before.get().tag())) {
                storage.write(revisionPath, revision.get());
                mark.keep(manifest.repository(), manifest.digest());
                LOG.info("kept {}@{}: pushed again while being collected", manifest.repository(), manifest.digest());
                continue;
            }
            removeReferrerEntry(manifest.repository(), manifest.digest(), revision.get());
            deleted++;
        }
        return deleted;
    }

    private void removeReferrerEntry(String repository, Digest manifest, byte[] revision) throws IOException {
        String text = new String(revision, StandardCharsets.UTF_8);
        java.util.regex.Matcher subject = java.util.regex.Pattern.compile("\"subject\"\\s*:\\s*\"([^\"]+)\"")
                .matcher(text);
        if (subject.find()) {
            Optional<Digest> digest = Digest.parse(subject.group(1));
            if (digest.isPresent()) {
                storage.delete(StoragePaths.referrer(repository, digest.get(), manifest));
            }
        }
    }

    /**
     * Removes repository links to blobs that are gone. A link is removed, then the blob looked up
     * again: if a new upload of the same digest committed meanwhile, the link is put back.
     */
    private long removeLinks(List<Mark.Link> links, Set<Digest> freed) throws IOException {
        long removed = 0;
        for (Mark.Link link : links) {
            progress.step("links");
            boolean gone = options.dryRun() ? freed.contains(link.digest()) || storage.blobVersion(link.digest()).isEmpty()
                    : storage.blobVersion(link.digest()).isEmpty();
            if (!gone) {
                continue;
            }
            removed++;
            if (options.dryRun()) {
                continue;
            }
            String path = StoragePaths.layerLink(link.repository(), link.digest());
            Optional<byte[]> content = storage.read(path);
            if (content.isEmpty()) {
                continue;
            }
            storage.delete(path);
            if (storage.blobVersion(link.digest()).isPresent()) {
                storage.write(path, content.get());
                removed--;
            }
        }
        return removed;
    }
}
