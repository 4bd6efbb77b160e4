package dev.berth.registry.gc;

import java.util.ArrayList;
import java.util.List;

/** What one collection found and freed (or, in a dry run, would free). */
public record GcReport(
        boolean dryRun,
        int repositories,
        long manifests,
        long blobsMarked,
        long blobsScanned,
        long blobsFreed,
        long bytesFreed,
        long untaggedManifestsDeleted,
        long linksRemoved,
        long orphanDataFreed,
        long orphanBytesFreed,
        int uploadsPurged,
        long brokenManifests,
        long millis) {

    /** The report as log lines. */
    public List<String> lines() {
        String verb = dryRun ? "would free" : "freed";
        List<String> lines = new ArrayList<>();
        lines.add(String.format("marked %d blob(s) and manifest(s) from %d manifest(s) in %d repositories",
                blobsMarked, manifests, repositories));
        lines.add(String.format("blobs: %d scanned, %s %d (%d bytes)", blobsScanned, verb, blobsFreed, bytesFreed));
        lines.add(String.format("untagged manifests: %s %d", dryRun ? "would delete" : "deleted", untaggedManifestsDeleted));
        lines.add(String.format("repository links of freed blobs: %s %d", dryRun ? "would remove" : "removed", linksRemoved));
        lines.add(String.format("orphaned blob data: %s %d object(s) (%d bytes)", verb, orphanDataFreed, orphanBytesFreed));
        lines.add(dryRun ? "stale uploads: not purged in a dry run" : "stale uploads: purged " + uploadsPurged);
        if (brokenManifests > 0) {
            lines.add(brokenManifests + " manifest(s) whose own blob is missing (already broken; see warnings)");
        }
        lines.add(String.format("garbage collection %s in %d ms: %s %d bytes in total", dryRun ? "dry run done" : "done",
                millis, verb, bytesFreed + orphanBytesFreed));
        return lines;
    }
}
