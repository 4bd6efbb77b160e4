package dev.berth.cdk.service;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the registry half's build ({@code mvn -f registry-image/pom.xml verify}, run first by
 * {@code ./test-all}) leaves in {@code registry-image/target/}: the runnable registry jar and the
 * S3Proxy jar its S3 tests use. Missing ones fail the test, never skip it: CI builds them first.
 */
final class RegistryArtifacts {

    private RegistryArtifacts() {
    }

    static Path registryJar() {
        return require(target().resolve("registry.jar"), "the runnable registry jar");
    }

    static Path s3ProxyJar() {
        return require(target().resolve("s3proxy").resolve("s3proxy.jar"), "the S3Proxy jar (copied by its s3proxy-jar profile)");
    }

    /** The registry image's config file, which the Dockerfile bakes in and names in REGISTRY_CONFIGURATION_PATH. */
    static Path imageConfigFile() {
        return require(dev.berth.cdk.App.projectRoot().resolve("registry-image").resolve("config.yml"),
                "the image's config.yml");
    }

    private static Path target() {
        return dev.berth.cdk.App.projectRoot().resolve("registry-image").resolve("target");
    }

    private static Path require(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("Missing " + what + " at " + file + ". Build the registry half first: "
                    + "mvn -B -ntp -f registry-image/pom.xml verify (./test-all does this before the CDK tests).");
        }
        return file;
    }
}
