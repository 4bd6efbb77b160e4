package dev.berth.registry.http;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one line per answered request, with registry:2's field names where it has them
 * ({@code http.request.method}, {@code vars.name}, {@code auth.user.name}…), so that queries
 * written for its logs keep working. The path appears only as its route pattern: the raw path
 * and query may carry a signed upload state or a token, and no header is ever written.
 */
final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("access");

    private AccessLog() {}

    /** A request as it was answered; {@code user} and {@code repository} empty when there is none. */
    record Line(String id, String method, String route, String repository, int status, long bytesIn, long bytesOut,
            long nanos, String user, String client, String userAgent) {}

    static void write(Line line) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.atInfo()
                .addKeyValue("http.request.id", line.id())
                .addKeyValue("http.request.method", line.method())
                .addKeyValue("http.request.route", line.route())
                .addKeyValue("vars.name", orDash(line.repository()))
                .addKeyValue("http.response.status", line.status())
                .addKeyValue("http.request.read", line.bytesIn())
                .addKeyValue("http.response.written", line.bytesOut())
                .addKeyValue("http.response.duration_ms", milliseconds(line.nanos()))
                .addKeyValue("auth.user.name", orDash(line.user()))
                .addKeyValue("http.request.remoteaddr", line.client())
                .addKeyValue("http.request.useragent", orDash(line.userAgent()))
                .log("response completed");
    }

    /** A number, three decimals: JSON readers sort and sum it. */
    private static Number milliseconds(long nanos) {
        return Double.valueOf(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
