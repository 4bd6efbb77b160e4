package dev.berth.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.config.RegistryConfig.Driver;
import dev.berth.registry.config.RegistryConfig.S3;
import dev.berth.registry.config.RegistryConfig.StorageSettings;
import dev.berth.registry.config.RegistryConfig.UploadPurging;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code storage.*}: as in registry:2, every key of {@code storage} other than the
 * driver-independent ones names a driver, and exactly one driver must be configured.
 */
final class StorageSection {

    /** Keys of {@code storage} that are not drivers. */
    static final Set<String> NON_DRIVER_KEYS = Set.of("delete", "redirect", "maintenance", "cache");

    static final String DEFAULT_FILESYSTEM_ROOT = "/var/lib/registry";
    static final long MIN_S3_CHUNK_SIZE = 5L * 1024 * 1024;
    static final long MAX_S3_CHUNK_SIZE = 5L * 1024 * 1024 * 1024;
    static final long DEFAULT_S3_CHUNK_SIZE = 10L * 1024 * 1024;
    static final Set<String> S3_STORAGE_CLASSES = Set.of(
            "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
            "OUTPOSTS", "GLACIER_IR", "NONE");

    private StorageSection() {}

    /** Turns the short forms {@code storage: filesystem} and {@code filesystem:} (empty) into sections. */
    static void normalize(ObjectNode root) {
        JsonNode storage = root.get("storage");
        if (storage != null && storage.isValueNode() && !storage.isNull()) {
            String driver = storage.asText().trim();
            root.putObject("storage").putObject(driver);
            return;
        }
        if (storage instanceof ObjectNode section) {
            for (String key : drivers(section)) {
                if (section.get(key).isNull()) {
                    section.putObject(key);
                }
            }
        }
    }

    /** {@code REGISTRY_STORAGE=<driver>}: keeps that driver's section if present, drops the others. */
    static void selectDriver(ObjectNode storage, String driver) {
        for (String key : drivers(storage)) {
            if (!key.equals(driver)) {
                storage.remove(key);
            }
        }
        if (!(storage.get(driver) instanceof ObjectNode)) {
            storage.putObject(driver);
        }
    }

    static StorageSettings read(ConfigTree tree) {
        JsonNode storage = tree.node("storage")
                .orElseThrow(() -> tree.fail("storage", "required: configure the filesystem or s3 driver"));
        if (!(storage instanceof ObjectNode section)) {
            throw tree.fail("storage", "must be a section naming one driver (filesystem or s3)");
        }
        List<String> drivers = drivers(section);
        if (drivers.isEmpty()) {
            throw tree.fail("storage", "no driver configured: add a filesystem or s3 section");
        }
        if (drivers.size() > 1) {
            throw tree.fail("storage", "exactly one driver must be configured, found " + String.join(", ", drivers)
                    + " (REGISTRY_STORAGE=<driver> selects one)");
        }
        String name = drivers.get(0);
        Driver driver = switch (name) {
            case "filesystem" -> Driver.FILESYSTEM;
            case "s3" -> Driver.S3;
            case "inmemory" -> throw tree.fail("storage.inmemory",
                    "not supported: blobs would vanish on restart; use filesystem (on a tmpfs if you want memory)");
            default -> throw tree.fail("storage." + name, "driver not supported; Berth supports filesystem and s3");
        };
        Path filesystemRoot = Path.of(tree.string("storage.filesystem.rootdirectory", DEFAULT_FILESYSTEM_ROOT));
        if (driver == Driver.FILESYSTEM && filesystemRoot.toString().isBlank()) {
            throw tree.fail("storage.filesystem.rootdirectory", "must not be empty");
        }
        Optional<S3> s3 = driver == Driver.S3 ? Optional.of(readS3(tree)) : Optional.empty();
        return new StorageSettings(
                driver,
                filesystemRoot,
                s3,
                tree.bool("storage.delete.enabled", false),
                tree.bool("storage.redirect.disable", false),
                readUploadPurging(tree));
    }

    private static S3 readS3(ConfigTree tree) {
        String bucket = tree.required("storage.s3.bucket", "required when the s3 driver is selected");
        if (bucket.contains("/") || bucket.isBlank() || bucket.chars().anyMatch(Character::isWhitespace)) {
            throw tree.fail("storage.s3.bucket", "not a bucket name: \"" + bucket + "\"");
        }
        String region = tree.required("storage.s3.region", "required when the s3 driver is selected");
        Optional<String> endpoint = tree.string("storage.s3.regionendpoint").filter(s -> !s.isBlank());
        endpoint.ifPresent(e -> {
            if (e.contains("://") && !(e.startsWith("http://") || e.startsWith("https://"))) {
                throw tree.fail("storage.s3.regionendpoint", "must be an http:// or https:// URL, got \"" + e + "\"");
            }
        });
        long chunkSize = tree.number("storage.s3.chunksize", DEFAULT_S3_CHUNK_SIZE);
        if (chunkSize < MIN_S3_CHUNK_SIZE) {
            throw tree.fail("storage.s3.chunksize", "must be at least 5242880 (5 MiB), got " + chunkSize);
        }
        if (chunkSize > MAX_S3_CHUNK_SIZE) {
            throw tree.fail("storage.s3.chunksize", "must be at most 5368709120 (5 GiB), got " + chunkSize);
        }
        Optional<String> accessKey = tree.string("storage.s3.accesskey").filter(s -> !s.isEmpty());
        Optional<String> secretKey = tree.string("storage.s3.secretkey").filter(s -> !s.isEmpty());
        if (accessKey.isPresent() && secretKey.isEmpty()) {
            throw tree.fail("storage.s3.secretkey", "required when storage.s3.accesskey is set");
        }
        if (secretKey.isPresent() && accessKey.isEmpty()) {
            throw tree.fail("storage.s3.accesskey", "required when storage.s3.secretkey is set");
        }
        String storageClass = tree.string("storage.s3.storageclass", "STANDARD").trim().toUpperCase(Locale.ROOT);
        if (!S3_STORAGE_CLASSES.contains(storageClass)) {
            throw tree.fail("storage.s3.storageclass",
                    "must be one of " + String.join(", ", S3_STORAGE_CLASSES.stream().sorted().toList())
                            + ", got \"" + storageClass + "\"");
        }
        return new S3(
                bucket.trim(),
                region.trim(),
                endpoint.map(String::trim),
                tree.bool("storage.s3.forcepathstyle", false),
                tree.string("storage.s3.rootdirectory", ""),
                chunkSize,
                accessKey,
                secretKey,
                tree.bool("storage.s3.encrypt", false),
                tree.bool("storage.s3.secure", true),
                storageClass);
    }

    private static UploadPurging readUploadPurging(ConfigTree tree) {
        String base = "storage.maintenance.uploadpurging.";
        boolean enabled = tree.bool(base + "enabled", true);
        Duration age = positive(tree, base + "age", tree.duration(base + "age", Duration.ofHours(168)));
        Duration interval = positive(tree, base + "interval", tree.duration(base + "interval", Duration.ofHours(24)));
        return new UploadPurging(enabled, age, interval);
    }

    private static Duration positive(ConfigTree tree, String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw tree.fail(key, "must be longer than zero, got " + GoDuration.format(d));
        }
        return d;
    }

    private static List<String> drivers(ObjectNode storage) {
        List<String> drivers = new ArrayList<>();
        storage.fieldNames().forEachRemaining(key -> {
            if (!NON_DRIVER_KEYS.contains(key)) {
                drivers.add(key);
            }
        });
        return drivers;
    }
}
