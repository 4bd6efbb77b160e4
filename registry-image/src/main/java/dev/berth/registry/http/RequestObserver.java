package dev.berth.registry.http;

import dev.berth.registry.metrics.RegistryMetrics;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told by Jetty about every answered request, including those Jetty refused before the
 * registry saw them (a malformed request line): counts it in the metrics and writes its
 * {@link AccessLog} line.
 */
final class RequestObserver implements RequestLog {

    private static final Logger LOG = LoggerFactory.getLogger(RequestObserver.class);

    private final Optional<RegistryMetrics> metrics;
    private final boolean accessLog;

    RequestObserver(Optional<RegistryMetrics> metrics, boolean accessLog) {
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void log(Request request, Response response) {
        try {
            observe(request, response);
        } catch (RuntimeException e) {
            LOG.warn("cannot record a request: {}", e.toString()); // never fail the connection over it
        }
    }

    private void observe(Request request, Response response) {
        RequestFacts facts = RequestFacts.of(request);
        String route = facts == null ? RequestFacts.UNMATCHED : facts.route();
        long nanos = NanoTime.since(request.getBeginNanoTime());
        long in = Request.getContentBytesRead(request);
        long out = Response.getContentBytesWritten(response);
        int status = response.getStatus();
        metrics.ifPresent(m -> m.request(route, request.getMethod(), status, nanos / 1e9, in, out));
        if (accessLog) {
            AccessLog.write(new AccessLog.Line(facts == null ? "-" : facts.id(), request.getMethod(), route,
                    facts == null ? "" : facts.repository(), status, in, out, nanos,
                    facts == null ? "" : facts.user(),
                    facts == null ? String.valueOf(request.getConnectionMetaData().getRemoteSocketAddress())
                            : facts.client(),
                    request.getHeaders().get(HttpHeader.USER_AGENT)));
        }
    }
}
