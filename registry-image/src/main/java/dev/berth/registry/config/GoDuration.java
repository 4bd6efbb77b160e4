package dev.berth.registry.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations written as Go's {@code time.ParseDuration} does ({@code 168h}, {@code 1h30m},
 * {@code 1.5s}, {@code 300ms}), because registry:2 configs are written that way.
 */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "µs", 1_000L,
            "μs", 1_000L,
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    private GoDuration() {}

    /** @throws IllegalArgumentException when {@code text} is not a Go duration. */
    public static Duration parse(String text) {
        String s = text.trim();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        Matcher m = PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(m.group(2)))));
            end = m.end();
        }
        if (end != s.length()) {
            throw invalid(text);
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }

    /** Formats the way Go prints durations, for logs: {@code 168h0m0s} becomes {@code 168h}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        StringBuilder out = new StringBuilder();
        if (d.toHours() > 0) out.append(d.toHours()).append('h');
        if (d.toMinutesPart() > 0) out.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0) out.append(d.toSecondsPart()).append('s');
        if (d.toMillisPart() > 0) out.append(d.toMillisPart()).append("ms");
        return out.isEmpty() ? d.toNanos() + "ns" : out.toString();
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("must be a duration such as 30s, 10m or 24h, got \"" + text + "\"");
    }
}
