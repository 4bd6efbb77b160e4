package dev.berth.registry.http;

import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/**
 * A request's id: the load balancer's ({@code X-Request-Id}, else the ALB's {@code X-Amzn-Trace-Id})
 * when it looks like one, else a new one. Echoed as {@code X-Request-Id} and written in the log
 * line, so a client's report, the ALB's log and the registry's line can be matched.
 */
final class RequestId {

    static final String HEADER = "X-Request-Id";
    static final String TRACE_HEADER = "X-Amzn-Trace-Id";
    /** Letters, digits and the punctuation of trace ids ({@code Root=1-5f84c7a1-…;Sampled=1}); nothing that could forge a log line. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:;=+/-]{1,200}");

    private RequestId() {}

    static String of(Request request) {
        String given = request.getHeaders().get(HEADER);
        if (given == null) {
            given = request.getHeaders().get(TRACE_HEADER);
        }
        if (given != null && SAFE.matcher(given).matches()) {
            return given;
        }
        return UUID.randomUUID().toString();
    }
}
