package dev.berth.registry.content;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a manifest PUT refreshes what it references: a blob last written or refreshed more than
 * {@link #after()} ago is refreshed (one conditional write), younger ones are left as they are.
 * Garbage collection never deletes a blob younger than its grace period, which must exceed this
 * by the longest manifest PUT plus clock skew; it refuses a grace below {@link #minimumGrace()}.
 * See docs/garbage-collection.md.
 *
 * <p>One hour unless the JVM property {@code berth.gc.refreshafter} (seconds) says otherwise:
 * tests set it to a few seconds to run collections with a grace of seconds.
 */
public record BlobRefresh(Duration after, Clock clock) {

    public static final String PROPERTY = "berth.gc.refreshafter";

    public static BlobRefresh standard(Clock clock) {
        String seconds = System.getProperty(PROPERTY);
        Duration after = seconds == null ? Duration.ofHours(1) : Duration.ofSeconds(Long.parseLong(seconds.trim()));
        return new BlobRefresh(after, clock);
    }

    /** Blobs written before this instant get refreshed. */
    public Instant refreshIfBefore() {
        return clock.instant().minus(after);
    }

    /** The smallest grace period a collection may use: twice {@link #after()}. */
    public Duration minimumGrace() {
        return after.multipliedBy(2);
    }
}
