package dev.berth.registry.config;

import dev.berth.registry.auth.AccessPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed, validated settings. Built by {@link ConfigLoader} from a registry:2-style
 * {@code config.yml} plus {@code REGISTRY_*} environment overrides.
 */
public record RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd, Limits limits,
        Optional<AccessPolicy> access, Optional<TokenSettings> token) {

    public RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd, Limits limits,
            Optional<AccessPolicy> access) {
        this(http, storage, log, htpasswd, limits, access, Optional.empty());
    }

    /** Without {@code auth.access}: every authenticated user may do everything, as in registry:2. */
    public RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd, Limits limits) {
        this(http, storage, log, htpasswd, limits, Optional.empty());
    }

    public RegistryConfig(Http http, StorageSettings storage, Log log, Optional<Htpasswd> htpasswd) {
        this(http, storage, log, htpasswd, Limits.DEFAULTS);
    }

    public RegistryConfig withLimits(Limits newLimits) {
        return new RegistryConfig(http, storage, log, htpasswd, newLimits, access, token);
    }

    /** With the per-repository permissions of {@code auth.access}. */
    public RegistryConfig withAccess(AccessPolicy policy) {
        return new RegistryConfig(http, storage, log, htpasswd, limits, Optional.of(policy), token);
    }

    /** With the external token server of {@code auth.token}. */
    public RegistryConfig withToken(TokenSettings settings) {
        return new RegistryConfig(http, storage, log, htpasswd, limits, access, Optional.of(settings));
    }

    /** With {@code http.tls}. */
    public RegistryConfig withTls(TlsSettings tls) {
        return new RegistryConfig(new Http(http.host(), http.port(), http.secret(), http.secretGenerated(),
                http.drainTimeout(), Optional.of(tls)), storage, log, htpasswd, limits, access, token);
    }


    /**
     * {@code http.*}: where to listen, the secret that signs upload state, and how long a stop
     * (SIGTERM) waits for requests in flight ({@code http.draintimeout}), and {@code http.tls} when the
     * registry serves TLS itself.
     */
    public record Http(String host, int port, String secret, boolean secretGenerated, Duration drainTimeout,
            Optional<TlsSettings> tls) {

        /** Berth's default drain timeout (registry:2 stops at once unless told otherwise). */
        public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

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

    /** {@code log.level}. */
    public record Log(String level) {}

    /** {@code auth.htpasswd.*}. */
    public record Htpasswd(String realm, Path path) {}

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
