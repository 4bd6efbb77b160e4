package dev.berth.registry.http;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.health.Health;
import dev.berth.registry.health.HealthAnswer;
import dev.berth.registry.metrics.RegistryMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * registry:2's debug listener ({@code http.debug.addr}): {@code /metrics} in the Prometheus
 * text format, {@code /healthz} and {@code /readyz}, on an address of its own that the load
 * balancer does not route. Without authentication: bind it to loopback or a private port.
 * Stopped after the API's listener, so readiness can be watched failing during the drain.
 */
final class DebugServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private DebugServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    static DebugServer start(RegistryConfig.Debug address, RegistryMetrics metrics, Health health) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("berth-debug");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(address.host());
        connector.setPort(address.port());
        server.addConnector(connector);
        server.setHandler(new Answers(metrics, health));
        server.start();
        return new DebugServer(server, connector);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** As configured: empty or 0.0.0.0 for every interface. */
    String host() {
        return connector.getHost();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static final class Answers extends Handler.Abstract {
        private final RegistryMetrics metrics;
        private final Health health;

        Answers(RegistryMetrics metrics, Health health) {
            super(InvocationType.BLOCKING);
            this.metrics = metrics;
            this.health = health;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
                send(response, callback, 405, "text/plain; charset=utf-8", "GET or HEAD\n".getBytes(StandardCharsets.UTF_8));
                return true;
            }
            switch (path) {
                case "/metrics" -> {
                    ByteArrayOutputStream text = new ByteArrayOutputStream(64 * 1024);
                    metrics.write(text);
                    send(response, callback, 200, metrics.contentType(), text.toByteArray());
                }
                case Router.HEALTH_PATH -> health(response, callback, health.live());
                case Router.READY_PATH -> health(response, callback, health.ready());
                default -> send(response, callback, 404, "text/plain; charset=utf-8",
                        "not found: /metrics, /healthz and /readyz are served here\n".getBytes(StandardCharsets.UTF_8));
            }
            return true;
        }

        private static void health(Response response, Callback callback, Health.Status status) {
            send(response, callback, HealthAnswer.status(status), "application/json", HealthAnswer.body(status));
        }

        private static void send(Response response, Callback callback, int status, String type, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }
}
