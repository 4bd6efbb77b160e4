package dev.berth.registry.gc;

import java.time.Duration;
import java.util.Optional;

/**
 * How a collection runs.
 *
 * @param dryRun find and report, change nothing
 * @param deleteUntagged also delete manifests no tag reaches (through indexes and referrers), and so their blobs
 * @param grace a blob (and an untagged manifest's blob) younger than this is never deleted
 * @param uploadPurgeAge uploads started longer ago than this are purged; empty: leave uploads alone
 */
public record GcOptions(boolean dryRun, boolean deleteUntagged, Duration grace, Optional<Duration> uploadPurgeAge) {

    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
}
