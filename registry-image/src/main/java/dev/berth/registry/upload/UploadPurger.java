package dev.berth.registry.upload;

import dev.berth.registry.config.RegistryConfig.UploadPurging;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes abandoned uploads on a schedule ({@code storage.maintenance.uploadpurging}). */
public final class UploadPurger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UploadPurger.class);
    private final ScheduledExecutorService scheduler;

    private UploadPurger(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public static UploadPurger start(Uploads uploads, UploadPurging settings) {
        if (!settings.enabled()) {
            return new UploadPurger(null);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upload-purger");
            t.setDaemon(true);
            return t;
        });
        long interval = settings.interval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                uploads.purgeOlderThan(settings.age());
            } catch (Exception e) {
                LOG.warn("upload purge failed; will retry in {}", settings.interval(), e);
            }
        }, Math.min(interval, 60_000), interval, TimeUnit.MILLISECONDS);
        return new UploadPurger(scheduler);
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
