package dev.berth.cdk;

import static java.util.Map.entry;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * The retention periods CloudWatch Logs accepts, each number beside its CDK constant. Settings
 * takes its list of allowed values from here, so the two cannot drift apart.
 */
final class LogRetention {

    /** Ascending by days. */
    static final SortedMap<Integer, RetentionDays> BY_DAYS = sorted(
            entry(1, RetentionDays.ONE_DAY), entry(3, RetentionDays.THREE_DAYS), entry(5, RetentionDays.FIVE_DAYS),
            entry(7, RetentionDays.ONE_WEEK), entry(14, RetentionDays.TWO_WEEKS), entry(30, RetentionDays.ONE_MONTH),
            entry(60, RetentionDays.TWO_MONTHS), entry(90, RetentionDays.THREE_MONTHS),
            entry(120, RetentionDays.FOUR_MONTHS), entry(150, RetentionDays.FIVE_MONTHS),
            entry(180, RetentionDays.SIX_MONTHS), entry(365, RetentionDays.ONE_YEAR),
            entry(400, RetentionDays.THIRTEEN_MONTHS), entry(545, RetentionDays.EIGHTEEN_MONTHS),
            entry(731, RetentionDays.TWO_YEARS), entry(1096, RetentionDays.THREE_YEARS),
            entry(1827, RetentionDays.FIVE_YEARS), entry(2192, RetentionDays.SIX_YEARS),
            entry(2557, RetentionDays.SEVEN_YEARS), entry(2922, RetentionDays.EIGHT_YEARS),
            entry(3288, RetentionDays.NINE_YEARS), entry(3653, RetentionDays.TEN_YEARS));

    private LogRetention() {
    }

    static RetentionDays of(int days) {
        RetentionDays retention = BY_DAYS.get(days);
        if (retention == null) {
            throw Settings.invalid("logRetentionDays", String.valueOf(days), Settings.LOG_RETENTION_DAYS.toString());
        }
        return retention;
    }

    @SafeVarargs
    private static SortedMap<Integer, RetentionDays> sorted(Map.Entry<Integer, RetentionDays>... entries) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(Map.ofEntries(entries)));
    }
}
