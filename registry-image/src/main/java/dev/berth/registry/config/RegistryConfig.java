package dev.berth.registry.config;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.logging.LogFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated settings. Built by {@link ConfigLoader} from a registry:2-style
 * {@code config.yml} plus {@code REGISTRY_*} environment overrides.
 */
public record RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd, Limits limits,
        Optional<AccessPolicy> access, Optional<AwsUsers> aws, Optional<Bearer> bearer, Optional<TokenSettings> token,
        Optional<Source> source) {

    /** Without {@code auth.aws}, {@code auth.bearer} and {@code auth.token}, and not read from a file. */
    public RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd, Limits limits,
            Optional<AccessPolicy> access) {
        this(http, storage, log, htpasswd, limits, access, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Without {@code auth.access}: every authenticated user may do everything, as in registry:2. */
    public RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd, Limits limits) {
        this(http, storage, log, htpasswd, limits, Optional.empty());
    }

    public RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd) {
        this(http, storage, log, htpasswd, Limits.DEFAULTS);
    }

    public RegistryConfig withLimits(Limits newLimits) {
        return new RegistryConfig(http, storage, log, htpasswd, newLimits, access, aws, bearer, token, source);
    }

    /** With the per-repository permissions of {@code auth.access}. */
    public RegistryConfig withAccess(AccessPolicy policy) {
        return new RegistryConfig(http, storage, log, htpasswd, limits, Optional.of(policy), aws, bearer, token,
                source);
    }

    /** With the external token server of {@code auth.token}. */
    public RegistryConfig withToken(TokenSettings settings) {
        return new RegistryConfig(http, storage, log, htpasswd, limits, access, aws, bearer, Optional.of(settings),
                source);
    }

    /** With other {@code http.*} settings. */
    public RegistryConfig withHttp(Http settings) {
        return new RegistryConfig(settings, storage, log, htpasswd, limits, access, aws, bearer, token, source);
    }

    /** With other {@code log.*} settings. */
    public RegistryConfig withLog(Log settings) {
        return new RegistryConfig(http, storage, settings, htpasswd, limits, access, aws, bearer, token, source);
    }

    /** With {@code http.tls}. */
    public RegistryConfig withTls(TlsSettings tls) {
        return new RegistryConfig(new Http(http.host(), http.port(), http.secret(), http.secretGenerated(),
                http.drainTimeout(), Optional.of(tls), http.debug()), storage, log, htpasswd, limits, access, aws, bearer, token,
                source);
    }

    /** With Berth's own bearer tokens ({@code auth.bearer}). */
    public RegistryConfig withBearer(Bearer tokens) {
        return new RegistryConfig(http, storage, log, htpasswd, limits, access, aws, Optional.of(tokens), token,
                source);
    }

    /** Where the settings were read: a file and the environment that overrode its keys. */
    public record Source(Path file, Map<String, String> env) {

        /** The file only: the environment may hold secrets. */
        @Override
        public String toString() {
            return file.toString();
        }
    }

    /**
     * {@code auth.aws.*}: users and rules in an SSM parameter ({@link UserDocument}), passwords in
     * Secrets Manager, re-read every {@code refresh}.
     *
     * @param endpoint one endpoint for both services (tests, VPC endpoints); empty: AWS's own
     */
    public record AwsUsers(String parameter, String region, Optional<java.net.URI> endpoint, Duration refresh) {}


    /**
     * {@code http.*}: where to listen, the secret that signs upload state, and how long a stop
     * (SIGTERM) waits for requests in flight ({@code http.draintimeout}), and {@code http.tls} when the
     * registry serves TLS itself.
     */
    public record Http(String host, int port, String secret, boolean secretGenerated, Duration drainTimeout,
            Optional<TlsSettings> tls, Optional<Debug> debug) {

        /** Berth's default drain timeout (registry:2 stops at once unless told otherwise). */
        public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

        public Http(String host, int port, String secret, boolean secretGenerated, Duration drainTimeout,
                Optional<TlsSettings> tls) {
            this(host, port, secret, secretGenerated, drainTimeout, tls, Optional.empty());
        }

        /** With the debug listener ({@code http.debug.addr}) on {@code address}. */
        public Http withDebug(Debug address) {
            return new Http(host, port, secret, secretGenerated, drainTimeout, tls, Optional.of(address));
        }

        public Http(String host, int port, String secret, boolean secretGenerated, Duration drainTimeout) {
            this(host, port, secret, secretGenerated, drainTimeout, Optional.empty());
        }

        public Http(String host, int port, String secret, boolean secretGenerated) {
            this(host, port, secret, secretGenerated, DEFAULT_DRAIN_TIMEOUT);
        }
    }

    /** {@code storage.*}: the one selected driver and the driver-independent switches. */
    public record StorageSettings(
            Driver driver,
            Path filesystemRoot,
            Optional<S3> s3,
            boolean deleteEnabled,
            boolean redirectDisabled,
            UploadPurging uploadPurging) {}

    public enum Driver { FILESYSTEM, S3 }

    /** {@code storage.s3.*}, with registry:2's key names. */
    public record S3(
            String bucket,
            String region,
            Optional<String> regionEndpoint,
            boolean forcePathStyle,
            String rootDirectory,
            long chunkSize,
            Optional<String> accessKey,
            Optional<String> secretKey,
            boolean encrypt,
            boolean secure,
            String storageClass) {}

    /** {@code storage.maintenance.uploadpurging.*}: removal of abandoned uploads. */
    public record UploadPurging(boolean enabled, Duration age, Duration interval) {}

    /**
     * {@code http.debug.addr}: a second listener, never routed by the load balancer, for
     * {@code /metrics} and the health checks; port 0 picks a free one (tests).
     */
    public record Debug(String host, int port) {}

    /**
     * {@code log.level}, {@code log.formatter} (text or json; unset: text at a terminal, json
     * elsewhere) and whether the per-request line is written ({@code log.accesslog.disabled}).
     */
    public record Log(String level, LogFormat format, boolean accessLog) {

        /** At a level, in the format for this process's output, with the access log. */
        public Log(String level) {
            this(level, LogFormat.forOutput(), true);
        }
    }

    /** {@code auth.htpasswd.*}. */
    public record Htpasswd(String realm, Path path) {}

    /**
     * {@code auth.bearer.*}: Berth's own token endpoint and the tokens it signs (HS256 with
     * {@code signingKey}); {@code realm} empty means derived from each request's host.
     */
    public record Bearer(String signingKey, boolean keyGenerated, String service, String issuer, Duration lifetime,
            Duration refreshLifetime, Optional<String> realm) {

        public static final String DEFAULT_SERVICE = "berth";
        public static final String DEFAULT_ISSUER = "berth";
        public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
        public static final Duration DEFAULT_REFRESH_LIFETIME = Duration.ofDays(30);
        /** HMAC-SHA256 wants a key of at least 256 bits. */
        public static final int MIN_KEY_LENGTH = 32;

        /** The defaults with a given key (tests). */
        public static Bearer withKey(String signingKey) {
            return new Bearer(signingKey, false, DEFAULT_SERVICE, DEFAULT_ISSUER, DEFAULT_LIFETIME,
                    DEFAULT_REFRESH_LIFETIME, Optional.empty());
        }
    }

    /** Settings for tests and local runs: filesystem storage under {@code root}, any free port. */
    public static RegistryConfig forFilesystem(Path root, boolean deleteEnabled) {
        return new RegistryConfig(
                new Http("127.0.0.1", 0, "test-secret", false),
                new StorageSettings(Driver.FILESYSTEM, root, Optional.empty(), deleteEnabled, false,
                        new UploadPurging(true, Duration.ofDays(7), Duration.ofHours(24))),
                new Log("info"),
                Optional.empty());
    }
}
