package dev.berth.registry.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.berth.registry.config.RegistryConfig.Htpasswd;
import dev.berth.registry.config.RegistryConfig.Http;
import dev.berth.registry.config.RegistryConfig.Log;
import dev.berth.registry.logging.LogFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link RegistryConfig} the way registry:2 does: a {@code config.yml} (or the embedded
 * default), then {@code REGISTRY_*} environment overrides, then validation. Keys Berth does
 * not use are collected in {@link #warnings()} rather than failing, so registry:2 configs keep
 * working; the caller logs them once logging is set up.
 */
public final class ConfigLoader {

    /** The settings used when no file is given: filesystem storage under {@code ./data}, port 5000. */
    public static final String DEFAULT_RESOURCE = "/berth-default-config.yml";

    static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final List<String> warnings = new ArrayList<>();

    /**
     * @param configFile the file named on the command line; when empty, the file named by
     *     {@code REGISTRY_CONFIGURATION_PATH}, else the embedded default
     * @param env the environment (passed in so that tests do not depend on the real one)
     * @throws ConfigException naming the key of the first unusable setting
     */
    public RegistryConfig load(Optional<Path> configFile, Map<String, String> env) {
        warnings.clear();
        Optional<Path> file = configFile.or(() -> Optional.ofNullable(env.get(EnvOverrides.CONFIGURATION_PATH))
                .filter(s -> !s.isBlank())
                .map(Path::of));
        ObjectNode root = file.map(this::readFile).orElseGet(this::readDefault);
        StorageSection.normalize(root);
        Map<String, String> envOrigin = EnvOverrides.apply(root, env, yaml, warnings);
        ConfigTree tree = new ConfigTree(root, envOrigin);
        ConfigKeys.check(root, tree, envOrigin, warnings);

        checkVersion(tree);
        Optional<TokenSettings> token = TokenSection.read(tree); // first: it names any auth section beside it
        Optional<RegistryConfig.AwsUsers> aws = AwsSection.read(tree, env);
        RegistryConfig config = new RegistryConfig(readHttp(tree), StorageSection.read(tree), readLog(tree), readHtpasswd(tree),
                readLimits(tree), AccessSection.read(tree), aws, BearerSection.read(tree, warnings), token,
                file.map(f -> new RegistryConfig.Source(f, Map.copyOf(env))));
        if (config.http().secretGenerated()) {
            warnings.add("http.secret: not set, so a random secret was generated; several registry instances"
                    + " behind one load balancer must share one secret (set http.secret or REGISTRY_HTTP_SECRET)");
        }
        return config;
    }

    /**
     * The settings of {@code file} with {@code env}'s overrides, as {@link #load} reads them, for
     * re-reading one section of a changed file ({@link AccessReload}).
     *
     * @throws ConfigException when the file cannot be read or is not YAML
     */
    ConfigTree reread(Path file, Map<String, String> env) {
        warnings.clear();
        ObjectNode root = readFile(file);
        StorageSection.normalize(root);
        Map<String, String> envOrigin = EnvOverrides.apply(root, env, yaml, warnings);
        return new ConfigTree(root, envOrigin);
    }

    /** What the last {@link #load} ignored or made up, one message per key, each naming it. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Which file {@link #load} reads for these arguments, for the start-up log. */
    public static String describeSource(Optional<Path> configFile, Map<String, String> env) {
        return configFile.map(Path::toString)
                .or(() -> Optional.ofNullable(env.get(EnvOverrides.CONFIGURATION_PATH)).filter(s -> !s.isBlank()))
                .orElse("embedded default (" + DEFAULT_RESOURCE.substring(1) + ")");
    }

    private ObjectNode readFile(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return asSettings(yaml.readTree(in), path.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(path + ": config file not found");
        } catch (JacksonException e) {
            throw new ConfigException(path + ": not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    private ObjectNode readDefault() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the jar");
            }
            return asSettings(yaml.readTree(in), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    private static ObjectNode asSettings(JsonNode node, String source) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new ObjectMapper().createObjectNode();
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ConfigException(source + ": must be a YAML mapping of settings");
        }
        return object;
    }

    private void checkVersion(ConfigTree tree) {
        tree.string("version").filter(v -> !v.trim().equals("0.1"))
                .ifPresent(v -> warnings.add("version: registry:2 configs are version 0.1, got \"" + v + "\"; read anyway"));
    }

    private static Http readHttp(ConfigTree tree) {
        String net = tree.string("http.net", "tcp").trim();
        if (!net.equals("tcp")) {
            throw tree.fail("http.net", "only tcp is supported, got \"" + net + "\"");
        }
        HttpAddress addr;
        try {
            addr = HttpAddress.parse(tree.string("http.addr", ":5000"));
        } catch (IllegalArgumentException e) {
            throw tree.fail("http.addr", e.getMessage());
        }
        Optional<String> secret = tree.string("http.secret").filter(s -> !s.isBlank());
        Duration drain = tree.duration("http.draintimeout", Http.DEFAULT_DRAIN_TIMEOUT);
        if (drain.isNegative()) {
            throw tree.fail("http.draintimeout", "must not be negative");
        }
        return new Http(addr.host(), addr.port(), secret.orElseGet(ConfigLoader::randomSecret), secret.isEmpty(),
                drain, TlsSection.read(tree), readDebug(tree));
    }

    /** registry:2's {@code http.debug.addr}; unset or empty: no debug listener. */
    private static Optional<RegistryConfig.Debug> readDebug(ConfigTree tree) {
        Optional<String> text = tree.string("http.debug.addr").filter(s -> !s.isBlank());
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            HttpAddress addr = HttpAddress.parse(text.get());
            return Optional.of(new RegistryConfig.Debug(addr.host(), addr.port()));
        } catch (IllegalArgumentException e) {
            throw tree.fail("http.debug.addr", e.getMessage());
        }
    }

    private Log readLog(ConfigTree tree) {
        String level = tree.string("log.level", "info").trim().toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw tree.fail("log.level", "must be one of " + String.join(", ", LOG_LEVELS) + ", got \"" + level + "\"");
        }
        LogFormat format = LogFormat.forOutput();
        Optional<String> formatter = tree.string("log.formatter").filter(s -> !s.isBlank());
        if (formatter.isPresent()) {
            if (formatter.get().trim().equalsIgnoreCase("logstash")) {
                warnings.add("log.formatter: logstash is written as json (one JSON object per line)");
                format = LogFormat.JSON;
            } else {
                format = LogFormat.parse(formatter.get());
                if (format == null) {
                    throw tree.fail("log.formatter", "must be text, json or logstash, got \"" + formatter.get() + "\"");
                }
            }
        }
        return new Log(level, format, !tree.bool("log.accesslog.disabled", false));
    }

    private static Optional<Htpasswd> readHtpasswd(ConfigTree tree) {
        if (!tree.has("auth.htpasswd")) {
            return Optional.empty();
        }
        String realm = tree.required("auth.htpasswd.realm", "required when auth.htpasswd is configured");
        Path path = Path.of(tree.required("auth.htpasswd.path", "required when auth.htpasswd is configured"));
        if (!Files.isRegularFile(path)) {
            throw tree.fail("auth.htpasswd.path", "file not found: " + path);
        }
        if (!Files.isReadable(path)) {
            throw tree.fail("auth.htpasswd.path", "file not readable: " + path);
        }
        return Optional.of(new Htpasswd(realm, path));
    }

    private static Limits readLimits(ConfigTree tree) {
        Limits d = Limits.DEFAULTS;
        return new Limits(
                (int) positive(tree, "limits.uploads", d.uploads(), 100_000),
                nonNegative(tree, "limits.uploadwait", d.uploadWait()),
                positive(tree, "limits.bodytimeout", d.bodyTimeout()),
                (int) positive(tree, "limits.manifestsize", d.manifestSize(), 64L << 20),
                (int) positive(tree, "limits.manifests", d.manifests(), 100_000),
                (int) positive(tree, "limits.referrerssize", d.referrersSize(), 64L << 20),
                (int) atLeast(tree, "limits.headersize", d.headerSize(), 4096, 1L << 20),
                (int) atLeast(tree, "limits.connections", d.connections(), 16, 1_000_000),
                (int) positive(tree, "limits.passwordchecks", d.passwordChecks(), 1024),
                (int) positive(tree, "limits.passwordfailures", d.passwordFailures(), 1_000_000),
                tree.bool("limits.trustforwardedfor", d.trustForwardedFor()),
                (int) positive(tree, "limits.userfailures", d.userFailures(), 1_000_000));
    }

    private static long positive(ConfigTree tree, String key, long otherwise, long max) {
        return atLeast(tree, key, otherwise, 1, max);
    }

    private static long atLeast(ConfigTree tree, String key, long otherwise, long min, long max) {
        long value = tree.number(key, otherwise);
        if (value < min || value > max) {
            throw tree.fail(key, "must be " + min + "-" + max + ", got " + value);
        }
        return value;
    }

    private static Duration positive(ConfigTree tree, String key, Duration otherwise) {
        Duration value = tree.duration(key, otherwise);
        if (value.isNegative() || value.isZero()) {
            throw tree.fail(key, "must be longer than 0s");
        }
        return value;
    }

    private static Duration nonNegative(ConfigTree tree, String key, Duration otherwise) {
        Duration value = tree.duration(key, otherwise);
        if (value.isNegative()) {
            throw tree.fail(key, "must not be negative");
        }
        return value;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
