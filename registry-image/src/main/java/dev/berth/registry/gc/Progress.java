package dev.berth.registry.gc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A log line every {@link #EVERY} objects looked at, so a long collection on a large store shows it is moving. */
final class Progress {

    static final long EVERY = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private long seen;

    void step(String phase) {
        seen++;
        if (seen % EVERY == 0) {
            LOG.info("garbage collection: {} objects looked at ({})", seen, phase);
        }
    }
}
