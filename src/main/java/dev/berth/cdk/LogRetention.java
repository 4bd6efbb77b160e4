package dev.berth.cdk;

import java.util.List;

import software.amazon.awscdk.services.logs.RetentionDays;

/** Days to the CDK enum; Settings has already checked the number is one CloudWatch accepts. */
final class LogRetention {

    private static final List<RetentionDays> IN_ORDER = List.of(
            RetentionDays.ONE_DAY, RetentionDays.THREE_DAYS, RetentionDays.FIVE_DAYS, RetentionDays.ONE_WEEK,
            RetentionDays.TWO_WEEKS, RetentionDays.ONE_MONTH, RetentionDays.TWO_MONTHS,
            RetentionDays.THREE_MONTHS, RetentionDays.FOUR_MONTHS, RetentionDays.FIVE_MONTHS,
            RetentionDays.SIX_MONTHS, RetentionDays.ONE_YEAR, RetentionDays.THIRTEEN_MONTHS,
            RetentionDays.EIGHTEEN_MONTHS, RetentionDays.TWO_YEARS, RetentionDays.THREE_YEARS,
            RetentionDays.FIVE_YEARS, RetentionDays.SIX_YEARS, RetentionDays.SEVEN_YEARS,
            RetentionDays.EIGHT_YEARS, RetentionDays.NINE_YEARS, RetentionDays.TEN_YEARS);

    private LogRetention() {
    }

    static RetentionDays of(int days) {
        int index = Settings.LOG_RETENTION_DAYS.indexOf(days);
        if (index < 0) {
            throw Settings.invalid("logRetentionDays", String.valueOf(days), Settings.LOG_RETENTION_DAYS.toString());
        }
        return IN_ORDER.get(index);
    }
}
