package dev.berth.registry.health;

import dev.berth.registry.storage.MetadataStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one small object from storage every {@code interval} on a thread of its own, so that a
 * health request never waits for storage: it reads the last result. A read that takes longer than
 * {@code slowAfter} counts as a failure while it lasts (a stalled S3 never answers at all).
 */
public final class StorageProbe implements AutoCloseable {

    /** What the last probe found. */
    public record Result(boolean ok, String detail, Instant checked) {}

    private static final Logger LOG = LoggerFactory.getLogger(StorageProbe.class);
    private static final String PATH = "healthz";

    private final MetadataStore storage;
    private final Duration interval;
    private final Duration slowAfter;
    private final Clock clock;
    private final Thread thread;
    private volatile Result last;
    /** When the read under way started; null between reads. */
    private volatile Instant running;

    public StorageProbe(MetadataStore storage, Duration interval, Duration slowAfter, Clock clock) {
        this.storage = storage;
        this.interval = interval;
        this.slowAfter = slowAfter;
        this.clock = clock;
        this.last = new Result(false, "storage not checked yet", clock.instant());
        this.thread = Thread.ofVirtual().name("berth-storage-probe").start(this::loop);
    }

    /** The last result, or a failure when the read under way has taken longer than {@code slowAfter}. */
    public Result result() {
        Instant started = running;
        if (started != null) {
            Duration taken = Duration.between(started, clock.instant());
            if (taken.compareTo(slowAfter) > 0) {
                return new Result(false, "storage has not answered a read for " + taken.toSeconds() + " s", started);
            }
        }
        return last;
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            probe();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void probe() {
        running = clock.instant();
        Result result;
        try {
            Optional<byte[]> ignored = storage.read(PATH); // found or not, storage answered
            result = new Result(true, "storage answered a read", clock.instant());
        } catch (Exception e) {
            result = new Result(false, "storage read failed: " + e.getMessage(), clock.instant());
        }
        running = null;
        if (result.ok() != last.ok() && !last.detail().equals("storage not checked yet")) {
            LOG.warn("readiness: {}", result.detail());
        }
        last = result;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
