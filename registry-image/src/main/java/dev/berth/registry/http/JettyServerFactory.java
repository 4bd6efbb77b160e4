package dev.berth.registry.http;

import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import java.util.concurrent.Executors;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty server tuned for the registry: requests on virtual threads, big pooled I/O buffers,
 * timeouts that suit a load balancer in front, a cap on connections, a graceful stop.
 */
final class JettyServerFactory {

    /**
     * Longer than the idle timeout of a load balancer in front (the Berth stack's ALB: 900 s). A
     * backend that closes an idle connection first races the balancer, which may just then send
     * a request on it and answer the client 502.
     */
    static final long IDLE_TIMEOUT_MS = 960_000;
    /**
     * While the registry stops, a connection idle this long is closed: keep-alive connections
     * without a request go quickly, a client that pauses mid-chunk keeps a little slack.
     */
    private static final long SHUTDOWN_IDLE_TIMEOUT_MS = 3_000;
    private static final int IO_BUFFER_SIZE = 256 * 1024;

    /** A server not yet started, and its one connector (which knows the port it got). */
    record JettyServer(Server server, ServerConnector connector) {}

    private JettyServerFactory() {}

    /** @param requests told about every answered request (the access log and the metrics) */
    static JettyServer create(RegistryConfig.Http settings, Limits limits, Handler handler, RequestLog requests) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("berth");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads, null, bufferPool());
        ServerConnector connector = connector(server, settings, limits);
        server.addConnector(connector);
        // Each connection with a request under way may hold a network buffer (direct memory).
        server.addBean(new NetworkConnectionLimit(limits.connections(), server));
        // A stop (SIGTERM from ECS after the load balancer drained the task) lets requests in
        // flight finish, up to http.draintimeout: a push of a large layer is one long PATCH.
        server.setHandler(new GracefulHandler(handler));
        server.setErrorHandler(new JsonErrorHandler());
        server.setRequestLog(requests);
        server.setStopTimeout(settings.drainTimeout().toMillis()); // 0: stop at once, as registry:2
        return new JettyServer(server, connector);
    }

    private static ServerConnector connector(Server server, RegistryConfig.Http settings, Limits limits) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setOutputBufferSize(IO_BUFFER_SIZE);
        http.setRequestHeaderSize(limits.headerSize());
        // One read loop per connection at a time: see SerialHttpConnectionFactory.
        HttpConnectionFactory http1 = new SerialHttpConnectionFactory(http);
        // Big reads from the socket: fewer system calls per GiB pushed.
        http1.setInputBufferSize(IO_BUFFER_SIZE);
        ServerConnector connector = new ServerConnector(server, TlsConnector.factories(settings.tls(), http1));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        // Jetty's default is 1 s, which would also cut a client pausing briefly mid-chunk.
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
        return connector;
    }

    /**
     * Jetty pools buffers up to 64 KiB by default; ours are 256 KiB, and unpooled they would be
     * allocated per request and freed only by a GC, so RSS would climb under load. Pool them,
     * and cap what the pool keeps: 16 MiB is 64 idle I/O buffers, more than the uploads and
     * downloads of a busy task have in flight; beyond it a released buffer is dropped.
     */
    private static ByteBufferPool bufferPool() {
        return new ArrayByteBufferPool(0, 4096, IO_BUFFER_SIZE, -1, 16L << 20, 16L << 20);
    }
}
