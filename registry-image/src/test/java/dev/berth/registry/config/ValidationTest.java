package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unusable values stop the start with a message that begins with the full key. */
class ValidationTest {

    @TempDir
    Path dir;

    ConfigFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
    }

    private String failureOf(String yaml) {
        return assertThrows(ConfigException.class, () -> fixture.load(yaml)).getMessage();
    }

    private String failureOfDefaultWith(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> fixture.loadDefault(env)).getMessage();
    }

    private static String s3(String extra) {
        return ConfigFixture.S3 + extra.indent(4);
    }

    @Test
    void portOutOfRange() {
        assertEquals("http.addr: port must be 1-65535, got 70000", failureOf("http:\n  addr: :70000\n" + "storage: filesystem\n"));
    }

    @Test
    void portZero() {
        assertEquals("http.addr: port must be 1-65535, got 0", failureOf("http:\n  addr: 127.0.0.1:0\nstorage: filesystem\n"));
    }

    @Test
    void portNotANumber() {
        assertEquals("http.addr: port must be a number, got \"http\"", failureOf("http:\n  addr: localhost:http\nstorage: filesystem\n"));
    }

    @Test
    void addressWithoutPort() {
        assertTrue(failureOf("http:\n  addr: localhost\nstorage: filesystem\n").startsWith("http.addr: must be host:port or :port"));
    }

    @Test
    void unixSocketsAreRefused() {
        assertEquals("http.net: only tcp is supported, got \"unix\"", failureOf("http:\n  net: unix\n  addr: /tmp/s\nstorage: filesystem\n"));
    }

    @Test
    void logLevelOutsideTheFourLevels() {
        assertEquals("log.level: must be one of error, warn, info, debug, got \"trace\"",
                failureOfDefaultWith(Map.of("REGISTRY_LOG_LEVEL", "trace")).replace(" (set by REGISTRY_LOG_LEVEL)", ""));
    }

    @Test
    void logLevelIsCaseInsensitive() {
        assertEquals("warn", fixture.loadDefault(Map.of("REGISTRY_LOG_LEVEL", "WARN")).log().level());
    }

    @Test
    void s3RegionRequired() {
        assertEquals("storage.s3.region: required when the s3 driver is selected",
                failureOf("storage:\n  s3:\n    bucket: b\n"));
    }

    @Test
    void s3BucketRequired() {
        assertEquals("storage.s3.bucket: required when the s3 driver is selected",
                failureOf("storage:\n  s3:\n    region: eu-west-1\n"));
    }

    @Test
    void s3BucketMustBeABucketName() {
        assertEquals("storage.s3.bucket: not a bucket name: \"a/b\"", failureOf("storage:\n  s3:\n    bucket: a/b\n    region: r\n"));
    }

    @Test
    void s3ChunkSizeBelowFiveMiB() {
        assertEquals("storage.s3.chunksize: must be at least 5242880 (5 MiB), got 1048576", failureOf(s3("chunksize: 1048576")));
    }

    @Test
    void s3ChunkSizeAboveFiveGiB() {
        assertEquals("storage.s3.chunksize: must be at most 5368709120 (5 GiB), got 6000000000", failureOf(s3("chunksize: 6000000000")));
    }

    @Test
    void s3ChunkSizeNotANumber() {
        assertEquals("storage.s3.chunksize: must be a whole number, got \"10MB\"", failureOf(s3("chunksize: 10MB")));
    }

    @Test
    void s3StorageClassUnknown() {
        assertTrue(failureOf(s3("storageclass: COLD")).startsWith("storage.s3.storageclass: must be one of "));
    }

    @Test
    void s3SecretKeyWithoutAccessKey() {
        assertEquals("storage.s3.accesskey: required when storage.s3.secretkey is set", failureOf(s3("secretkey: x")));
    }

    @Test
    void s3AccessKeyWithoutSecretKey() {
        assertEquals("storage.s3.secretkey: required when storage.s3.accesskey is set", failureOf(s3("accesskey: x")));
    }

    @Test
    void s3EndpointWithAnotherScheme() {
        assertEquals("storage.s3.regionendpoint: must be an http:// or https:// URL, got \"ftp://x\"",
                failureOf(s3("regionendpoint: ftp://x")));
    }

    @Test
    void booleanThatIsNotTrueOrFalse() {
        assertEquals("storage.s3.secure: must be true or false, got \"maybe\"", failureOf(s3("secure: maybe")));
    }

    @Test
    void inmemoryDriverIsRefusedWithAReason() {
        assertTrue(failureOf("storage:\n  inmemory:\n").startsWith("storage.inmemory: not supported: blobs would vanish on restart"));
    }

    @Test
    void otherRegistry2DriversAreRefused() {
        assertEquals("storage.gcs: driver not supported; Berth supports filesystem and s3",
                failureOf("storage:\n  gcs:\n    bucket: b\n"));
    }

    @Test
    void storageRequired() {
        assertEquals("storage: required: configure the filesystem or s3 driver", failureOf("http:\n  addr: :5000\n"));
    }

    @Test
    void storageWithoutADriver() {
        assertEquals("storage: no driver configured: add a filesystem or s3 section",
                failureOf("storage:\n  delete:\n    enabled: true\n"));
    }

    @Test
    void twoDriversInTheFile() {
        assertTrue(failureOf("storage:\n  filesystem: {}\n  s3: {}\n").startsWith("storage: exactly one driver"));
    }

    @Test
    void durationWithoutUnit() {
        assertEquals("storage.maintenance.uploadpurging.age: must be a duration such as 30s, 10m or 24h, got \"168\"",
                failureOfDefaultWith(Map.of("REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE", "168"))
                        .replace(" (set by REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE)", ""));
    }

    @Test
    void durationThatIsNotPositive() {
        assertEquals("storage.maintenance.uploadpurging.interval: must be longer than zero, got 0s",
                failureOf("storage:\n  filesystem: {}\n  maintenance:\n    uploadpurging:\n      interval: 0s\n"));
    }

    @Test
    void htpasswdWithoutRealm() {
        assertEquals("auth.htpasswd.realm: required when auth.htpasswd is configured",
                failureOf("storage: filesystem\nauth:\n  htpasswd:\n    path: " + fixture.htpasswd() + "\n"));
    }

    @Test
    void htpasswdWithoutPath() {
        assertEquals("auth.htpasswd.path: required when auth.htpasswd is configured",
                failureOf("storage: filesystem\nauth:\n  htpasswd:\n    realm: r\n"));
    }

    @Test
    void htpasswdFileMissing() {
        Path missing = dir.resolve("missing");
        assertEquals("auth.htpasswd.path: file not found: " + missing,
                failureOf("storage: filesystem\nauth:\n  htpasswd:\n    realm: r\n    path: " + missing + "\n"));
    }

    @Test
    void authenticationBerthCannotDoIsRefusedRatherThanServingWithoutAuth() {
        assertTrue(failureOf("storage: filesystem\nauth:\n  silly:\n    realm: r\n    service: s\n")
                .startsWith("auth.silly: not supported; Berth authenticates with auth.htpasswd or auth.token only"));
    }

    @Test
    void sectionWhereAValueBelongs() {
        assertEquals("http.addr: must be a single value, not a section or list",
                failureOf("storage: filesystem\nhttp:\n  addr:\n    port: 5000\n"));
    }

    @Test
    void fileThatIsNotAMapping() {
        assertTrue(failureOf("- a\n- b\n").endsWith("config.yml: must be a YAML mapping of settings"));
    }
}
