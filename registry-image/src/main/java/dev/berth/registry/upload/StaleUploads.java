package dev.berth.registry.upload;

import dev.berth.registry.storage.NotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients and crashed processes left in the storage: uploads abandoned long ago, and the
 * leftovers of interrupted writes. {@link UploadPurger} runs it on a schedule; it remembers the
 * uploads its last purge found without a description, so it keeps one instance.
 */
public final class StaleUploads {

    private static final Logger LOG = LoggerFactory.getLogger(StaleUploads.class);

    /**
     * How long a temporary file or an incomplete upload folder must have been untouched before
     * it counts as a crash's leftover: a write in progress touches its own every moment.
     */
    public static final Duration LEFTOVER_AGE = Duration.ofMinutes(10);

    private final Storage storage;
    private final Clock clock;
    /** Uploads the previous purge found without a description (see purgeIfStale). */
    private volatile Set<String> withoutInfoLastRun = Set.of();

    public StaleUploads(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /** Removes what processes killed mid-write left in the storage (see Storage.removeCrashLeftovers). */
    public int removeCrashLeftovers() throws IOException {
        int removed = storage.removeCrashLeftovers(LEFTOVER_AGE);
        if (removed > 0) {
            LOG.info("removed {} leftover(s) of interrupted writes (temporary files, incomplete uploads)", removed);
        }
        return removed;
    }

    /** Removes uploads started before {@code maxAge} ago; returns how many. */
    public int purgeOlderThan(Duration maxAge) throws IOException {
        Instant cutoff = clock.instant().minus(maxAge);
        int purged = 0;
        Set<String> withoutInfo = new HashSet<>();
        for (String id : storage.list(StoragePaths.UPLOADS)) {
            try {
                if (purgeIfStale(id, cutoff, withoutInfo)) {
                    purged++;
                }
            } catch (IOException | RuntimeException e) {
                // One upload the purge cannot read or remove must not keep it from the others.
                LOG.warn("upload purge: skipping {}: {}", id, e.toString());
            }
        }
        withoutInfoLastRun = withoutInfo;
        if (purged > 0) {
            LOG.info("purged {} upload(s) started before {}", purged, cutoff);
        }
        return purged;
    }

    private boolean purgeIfStale(String id, Instant cutoff, Set<String> withoutInfo) throws IOException {
        Optional<Instant> startedAt = startedAt(id);
        boolean stale;
        if (startedAt.isPresent()) {
            stale = startedAt.get().isBefore(cutoff);
        } else {
            // Without a description there is no age to go by (an upload being started right
            // now has none yet, one that ended has none any more): purge it only when the
            // previous run saw it so too.
            withoutInfo.add(id);
            stale = withoutInfoLastRun.contains(id);
        }
        if (stale) {
            storage.deleteUpload(id);
        }
        return stale;
    }

    private Optional<Instant> startedAt(String id) throws IOException {
        try {
            return UploadInfo.parse(storage.upload(id).info()).map(UploadInfo::startedAt);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }
}
