package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.http.JettyServerFactory.JettyServer;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageFactory;
import dev.berth.registry.upload.StaleUploads;
import dev.berth.registry.upload.UploadPurger;
import dev.berth.registry.auth.PasswordChecks;
import dev.berth.registry.health.Health;
import dev.berth.registry.health.StorageProbe;
import dev.berth.registry.metrics.MeteredStorage;
import dev.berth.registry.metrics.RegistryMetrics;
import java.net.URI;
import java.time.Duration;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running registry: its storage, the API's routes ({@link RegistryRoutes}) behind
 * authentication ({@link Authentication}) in a Jetty server ({@link JettyServerFactory}), and
 * the purge of abandoned uploads.
 */
public final class RegistryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    /** How often readiness reads from storage, and after how long without an answer it counts as failed. */
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);
    private static final Duration PROBE_SLOW_AFTER = Duration.ofSeconds(10);

    private final JettyServer jetty;
    private final Storage storage;
    private final UploadPurger purger;
    private final Optional<HtpasswdAuth> auth;
    private final boolean tls;
    private final Health health;
    private final StorageProbe probe;
    private final Optional<DebugServer> debug;

    private RegistryServer(JettyServer jetty, Storage storage, UploadPurger purger, Optional<HtpasswdAuth> auth,
            boolean tls, Health health, StorageProbe probe, Optional<DebugServer> debug) {
        this.tls = tls;
        this.jetty = jetty;
        this.storage = storage;
        this.purger = purger;
        this.auth = auth;
        this.health = health;
        this.probe = probe;
        this.debug = debug;
    }

    public static RegistryServer start(RegistryConfig config) throws Exception {
        if (config.access().isPresent() && config.htpasswd().isEmpty()) {
            throw new IllegalArgumentException("auth.access needs auth.htpasswd: the rules grant to its users");
        }
        if (config.token().isPresent() && (config.htpasswd().isPresent() || config.access().isPresent()
                || config.aws().isPresent() || config.bearer().isPresent())) {
            throw new IllegalArgumentException("auth.token cannot be combined with auth.htpasswd, auth.access,"
                    + " auth.aws or auth.bearer: the token server decides who may do what");
        }
        // Metrics only with a listener to read them at: without http.debug.addr nothing is counted.
        Optional<RegistryMetrics> metrics = config.http().debug().map(address -> new RegistryMetrics());
        Storage backend = StorageFactory.create(config.storage());
        Storage storage = metrics.map(m -> MeteredStorage.wrap(backend, m)).orElse(backend);
        Clock clock = Clock.systemUTC();
        StorageProbe probe = new StorageProbe(storage, PROBE_INTERVAL, PROBE_SLOW_AFTER, clock);
        Health health = new Health(storage, probe);
        Router router = RegistryRoutes.wire(storage, config, clock, health, metrics);
        Optional<HtpasswdAuth> auth = HtpasswdAuth.of(config, clock);
        Supplier<Optional<AccessPolicy>> policy = auth.<Supplier<Optional<AccessPolicy>>>map(HtpasswdAuth::policy)
                .orElse(config::access);
        Optional<BearerMode> bearer;
        try {
            bearer = BearerMode.of(config, auth.map(HtpasswdAuth::authenticator), policy, clock);
        } catch (RuntimeException e) {
            auth.ifPresent(HtpasswdAuth::close);
            throw e;
        }
        Optional<Authentication> authentication = config.token().isPresent()
                ? Optional.of(TokenAuthentication.of(config.token().get(), clock))
                : bearer.<Authentication>map(BearerMode::auth)
                        .or(() -> auth.map(a -> new BasicAuthentication(a.authenticator(), policy)));
        RegistryHandler handler = new RegistryHandler(router, authentication, bearer.map(BearerMode::endpoint),
                new ClientAddress(config.limits().trustForwardedFor()), config.limits().bodyTimeout(),
                JettyServerFactory.IDLE_TIMEOUT_MS);
        metrics.ifPresent(m -> auth.ifPresent(a -> m.passwordChecks(PasswordChecks.Outcome.class, a.checks()::count)));
        JettyServer jetty = JettyServerFactory.create(config.http(), config.limits(), handler,
                new RequestObserver(metrics, config.log().accessLog()));
        jetty.server().start();
        Optional<DebugServer> debug = Optional.empty();
        if (metrics.isPresent()) {
            debug = Optional.of(DebugServer.start(config.http().debug().orElseThrow(), metrics.get(), health));
            LOG.info("metrics and health checks listening on {}:{} (http.debug.addr)",
                    config.http().debug().get().host(), debug.get().port());
        }

        UploadPurger purger = UploadPurger.start(new StaleUploads(storage, clock), config.storage().uploadPurging());
        RegistryServer registry = new RegistryServer(jetty, storage, purger, auth, config.http().tls().isPresent(),
                health, probe, debug);
        LOG.info("Berth registry listening on {}:{}{} with {} storage", config.http().host(), registry.port(),
                config.http().tls().isPresent() ? " (TLS)" : "", config.storage().driver().name().toLowerCase());
        return registry;
    }

    public int port() {
        return jetty.connector().getLocalPort();
    }

    /** {@code http://host:port} (https with {@code http.tls}) as a client on this machine reaches it. */
    public URI baseUri() {
        return URI.create((tls ? "https://" : "http://") + LocalAddress.hostPort(jetty.connector().getHost(), port()));
    }

    /** How often a connection's second read loop waited for its first (see SerialHttpConnectionFactory). */
    long overlappingReads() {
        return jetty.connector().getConnectionFactory(SerialHttpConnectionFactory.class).overlappingReads();
    }

    /** {@code http://host:port} of the debug listener ({@code http.debug.addr}), when there is one. */
    public Optional<URI> debugUri() {
        return debug.map(d -> URI.create("http://" + LocalAddress.hostPort(d.host(), d.port())));
    }

    public void join() throws InterruptedException {
        jetty.server().join();
    }

    @Override
    public void close() throws Exception {
        health.stopping(); // first: the load balancer's next check sees it while requests drain
        purger.close();
        jetty.server().stop();
        for (DebugServer server : debug.stream().toList()) {
            server.close();
        }
        probe.close();
        auth.ifPresent(HtpasswdAuth::close);
        storage.close();
    }
}
