package dev.berth.registry.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The registry's Prometheus metrics, one set per running registry: requests by route, method and
 * status with their latency, bytes in and out, upload bodies being received, storage operations
 * with their latency and failures, password checks, and the JVM's memory, threads and GC.
 * Label values come from fixed sets (route patterns, known methods, status codes), never from
 * the request itself, so no client can make the series grow.
 */
public final class RegistryMetrics {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final double[] REQUEST_SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10, 30, 60, 300};
    private static final double[] STORAGE_SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram requests;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Gauge uploads;
    private final Gauge inProgress;
    private final Histogram storage;
    private final Counter storageErrors;

    public RegistryMetrics() {
        requests = Histogram.builder().name("berth_http_request_duration_seconds")
                .help("Requests answered, by route pattern, method and status, and how long they took")
                .labelNames("route", "method", "status").classicOnly().classicUpperBounds(REQUEST_SECONDS)
                .register(registry);
        bytesIn = Counter.builder().name("berth_http_request_bytes_total")
                .help("Request body bytes received, by route pattern and method")
                .labelNames("route", "method").register(registry);
        bytesOut = Counter.builder().name("berth_http_response_bytes_total")
                .help("Response body bytes sent, by route pattern and method")
                .labelNames("route", "method").register(registry);
        uploads = Gauge.builder().name("berth_uploads_in_progress")
                .help("Upload requests (POST, PATCH, PUT with a body) whose body is being received now")
                .register(registry);
        inProgress = Gauge.builder().name("berth_http_requests_in_progress")
                .help("Registry API requests that reached their handler and are not answered yet")
                .register(registry);
        storage = Histogram.builder().name("berth_storage_operation_duration_seconds")
                .help("Storage operations, by operation, and how long they took (for reads, until the data starts)")
                .labelNames("operation").classicOnly().classicUpperBounds(STORAGE_SECONDS).register(registry);
        storageErrors = Counter.builder().name("berth_storage_operation_errors_total")
                .help("Storage operations that failed (not counting a read of something absent), by operation")
                .labelNames("operation").register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** One answered request. */
    public void request(String route, String method, int status, double seconds, long in, long out) {
        String knownMethod = METHODS.contains(method) ? method : "other";
        requests.labelValues(route, knownMethod, statusLabel(status)).observe(seconds);
        if (in > 0) {
            bytesIn.labelValues(route, knownMethod).inc(in);
        }
        if (out > 0) {
            bytesOut.labelValues(route, knownMethod).inc(out);
        }
    }

    private static String statusLabel(int status) {
        return status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    }

    /** An upload body started (+1) or stopped (-1) being received. */
    public void uploadsInProgress(int delta) {
        uploads.inc(delta);
    }

    /** A routed request reached its handler (+1) or its handler returned (-1). */
    public void requestsInProgress(int delta) {
        inProgress.inc(delta);
    }

    /** One storage operation (a method of the storage interfaces) and whether it failed. */
    public void storageOperation(String operation, double seconds, boolean failed) {
        storage.labelValues(operation).observe(seconds);
        if (failed) {
            storageErrors.labelValues(operation).inc();
        }
    }

    /**
     * Password checks by outcome ({@code matched}, {@code mismatched}: a login refused,
     * {@code refused}: not run because a limit was reached), read from the counts the checks keep.
     */
    public <T extends Enum<T>> void passwordChecks(Class<T> outcomes, ToLongFunction<T> count) {
        CounterWithCallback.builder().name("berth_password_checks_total")
                .help("Password checks, by outcome: matched, mismatched (a login refused), refused (a limit was reached)")
                .labelNames("outcome")
                .callback(callback -> {
                    for (T outcome : outcomes.getEnumConstants()) {
                        callback.call(count.applyAsLong(outcome), outcome.name().toLowerCase(java.util.Locale.ROOT));
                    }
                })
                .register(registry);
    }

    /** The Prometheus text format of every metric now. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    public String contentType() {
        return writer.getContentType();
    }
}
