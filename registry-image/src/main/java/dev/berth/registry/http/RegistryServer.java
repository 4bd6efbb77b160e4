package dev.berth.registry.http;

import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.HtpasswdFile;
import dev.berth.registry.auth.PasswordChecks;
import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.http.handlers.BaseHandler;
import dev.berth.registry.http.handlers.BlobHandler;
import dev.berth.registry.http.handlers.CatalogHandler;
import dev.berth.registry.http.handlers.HealthHandler;
import dev.berth.registry.http.handlers.ManifestHandler;
import dev.berth.registry.http.handlers.ReferrersHandler;
import dev.berth.registry.http.handlers.TagsHandler;
import dev.berth.registry.http.handlers.UploadHandler;
import dev.berth.registry.http.limits.Admission;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageFactory;
import dev.berth.registry.upload.StaleUploads;
import dev.berth.registry.upload.UploadPurger;
import dev.berth.registry.upload.UploadStateSigner;
import dev.berth.registry.upload.Uploads;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running registry: storage, handlers and a Jetty server whose requests run on virtual threads. */
public final class RegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);
    /**
     * Longer than the idle timeout of a load balancer in front (the Berth stack's ALB: 900 s). A
     * backend that closes an idle connection first races the balancer, which may just then send
     * a request on it and answer the client 502.
     */
    private static final long IDLE_TIMEOUT_MS = 960_000;
    /**
     * While the registry stops, a connection idle this long is closed: keep-alive connections
     * without a request go quickly, a client that pauses mid-chunk keeps a little slack.
     */
    private static final long SHUTDOWN_IDLE_TIMEOUT_MS = 3_000;
    private static final int IO_BUFFER_SIZE = 256 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final Storage storage;
    private final UploadPurger purger;
    private final Optional<PasswordChecks> passwordChecks;

    private RegistryServer(Server server, ServerConnector connector, Storage storage, UploadPurger purger,
            Optional<PasswordChecks> passwordChecks) {
        this.server = server;
        this.connector = connector;
        this.storage = storage;
        this.purger = purger;
        this.passwordChecks = passwordChecks;
    }

    public static RegistryServer start(RegistryConfig config) throws Exception {
        Storage storage = StorageFactory.create(config.storage());
        Clock clock = Clock.systemUTC();
        boolean delete = config.storage().deleteEnabled();
        Catalog catalog = new Catalog(storage);
        RepositoryBlobs blobs = new RepositoryBlobs(storage, catalog);
        RepositoryManifests manifests = new RepositoryManifests(storage, blobs, catalog);
        Uploads uploads = new Uploads(storage, blobs, clock);
        UploadStateSigner signer = new UploadStateSigner(config.http().secret());
        Limits limits = config.limits();
        Router router = new Router(
                new BaseHandler(),
                new CatalogHandler(catalog),
                new HealthHandler(storage),
                new UploadHandler(uploads, blobs, signer, storage.minimumChunkLength(),
                        new Admission("upload bodies", limits.uploads(), limits.uploadWait()), limits.bodyTimeout()),
                new BlobHandler(storage, blobs, delete),
                new ManifestHandler(manifests, delete, limits.manifestSize(),
                        new Admission("manifest bodies", limits.manifests(), limits.uploadWait()),
                        new Admission("manifest checks", cpuPlaces(), limits.uploadWait()), limits.bodyTimeout()),
                new TagsHandler(manifests),
                new ReferrersHandler(manifests, limits.referrersSize(),
                        new Admission("referrers listings", limits.manifests(), limits.uploadWait())));

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("berth");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads, null, bufferPool());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setOutputBufferSize(IO_BUFFER_SIZE);
        http.setRequestHeaderSize(limits.headerSize());
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        // Big reads from the socket: fewer system calls per GiB pushed.
        http1.setInputBufferSize(IO_BUFFER_SIZE);
        ServerConnector connector = new ServerConnector(server, http1);
        connector.setHost(config.http().host());
        connector.setPort(config.http().port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        // Jetty's default is 1 s, which would also cut a client pausing briefly mid-chunk.
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        // Each connection with a request under way may hold a network buffer (direct memory).
        server.addBean(new NetworkConnectionLimit(limits.connections(), server));
        Optional<BasicAuthenticator> authenticator = Optional.empty();
        Optional<PasswordChecks> passwordChecks = Optional.empty();
        if (config.htpasswd().isPresent()) {
            RegistryConfig.Htpasswd htpasswd = config.htpasswd().get();
            passwordChecks = Optional.of(new PasswordChecks(config.limits().passwordChecks(),
                    config.limits().passwordFailures(), clock));
            authenticator = Optional.of(new BasicAuthenticator(htpasswd.realm(), new HtpasswdFile(htpasswd.path(), clock),
                    passwordChecks.get(), clock));
        }
        // A stop (SIGTERM from ECS after the load balancer drained the task) lets requests in
        // flight finish, up to http.draintimeout: a push of a large layer is one long PATCH.
        server.setHandler(new GracefulHandler(new RegistryHandler(router, authenticator,
                new ClientAddress(limits.trustForwardedFor()), limits.bodyTimeout(), IDLE_TIMEOUT_MS)));
        server.setErrorHandler(new JsonErrorHandler());
        server.setStopTimeout(config.http().drainTimeout().toMillis()); // 0: stop at once, as registry:2
        server.start();

        UploadPurger purger = UploadPurger.start(new StaleUploads(storage, clock), config.storage().uploadPurging());
        RegistryServer registry = new RegistryServer(server, connector, storage, purger, passwordChecks);
        LOG.info("Berth registry listening on {}:{} with {} storage", config.http().host(), registry.port(),
                config.storage().driver().name().toLowerCase());
        return registry;
    }

    /**
     * CPU-bound request work (parsing and hashing a manifest) runs on fewer places than there
     * are cores: virtual threads are not preempted, so a core must stay free for the rest.
     */
    private static int cpuPlaces() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Jetty pools buffers up to 64 KiB by default; ours are 256 KiB, and unpooled they would be
     * allocated per request and freed only by a GC, so RSS would climb under load. Pool them,
     * and cap what the pool keeps: 16 MiB is 64 idle I/O buffers, more than the uploads and
     * downloads of a busy task have in flight; beyond it a released buffer is dropped. A buffer
     * released twice goes back once (OnceReleasedBufferPool).
     */
    private static ByteBufferPool bufferPool() {
        return new OnceReleasedBufferPool(new ArrayByteBufferPool(0, 4096, IO_BUFFER_SIZE, -1, 16L << 20, 16L << 20));
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} as a client on this machine reaches it. */
    public URI baseUri() {
        String host = connector.getHost();
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        purger.close();
        server.stop();
        passwordChecks.ifPresent(PasswordChecks::close);
        storage.close();
    }
}
