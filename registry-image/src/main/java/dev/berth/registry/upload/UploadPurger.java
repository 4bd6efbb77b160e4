package dev.berth.registry.upload;

import dev.berth.registry.config.RegistryConfig.UploadPurging;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes abandoned uploads on a schedule ({@code storage.maintenance.uploadpurging}), and the
 * leftovers of interrupted writes: at start, once more when those of a crash just before the
 * start are old enough, then with every purge.
 */
public final class UploadPurger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UploadPurger.class);
    private final ScheduledExecutorService scheduler;

    private UploadPurger(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public static UploadPurger start(StaleUploads stale, UploadPurging settings) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upload-purger");
            t.setDaemon(true);
            return t;
        });
        // Leftovers hold no one's data, so they go even with purging disabled.
        long leftoverAge = StaleUploads.LEFTOVER_AGE.toMillis();
        scheduler.schedule(() -> removeLeftovers(stale), 0, TimeUnit.MILLISECONDS);
        scheduler.schedule(() -> removeLeftovers(stale), leftoverAge + 60_000, TimeUnit.MILLISECONDS);
        if (settings.enabled()) {
            long interval = settings.interval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    stale.purgeOlderThan(settings.age());
                } catch (Exception e) {
                    LOG.warn("upload purge failed; will retry in {}", settings.interval(), e);
                }
                removeLeftovers(stale);
            }, Math.min(interval, 60_000), interval, TimeUnit.MILLISECONDS);
        }
        return new UploadPurger(scheduler);
    }

    private static void removeLeftovers(StaleUploads stale) {
        try {
            stale.removeCrashLeftovers();
        } catch (Exception e) {
            LOG.warn("removing leftovers of interrupted writes failed; will retry with the next purge", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
