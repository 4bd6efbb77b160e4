package dev.berth.cdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Synthesizes the stack as the CLI would: cdk.json's context (settings and feature flags) plus
 * {@code -c}-style string overrides, cdk-nag attached. Each distinct set of overrides is
 * synthesized once per test JVM and shared, because a synth takes seconds on two cores.
 */
public record Synth(App app, RegistryStack stack, Template template) {

    /** cdk.json's region: the app never takes the caller's AWS environment. */
    public static final String REGION = "us-east-1";

    private static final Map<SortedMap<String, String>, Synth> CACHE = new ConcurrentHashMap<>();

    public static Synth defaults() {
        return with(Map.of());
    }

    /** @param overrides context values as {@code -c key=value} would give them (strings) */
    public static Synth with(Map<String, String> overrides) {
        return CACHE.computeIfAbsent(new TreeMap<>(overrides), Synth::fresh);
    }

    /** A new synth, never cached: for tests that compare two synths. */
    public static Synth fresh(Map<String, String> overrides) {
        Map<String, Object> context = cdkJsonContext();
        context.putAll(overrides);
        App app = new App(AppProps.builder().context(context).analyticsReporting(false).build());
        Settings settings = Settings.fromContext(app.getNode());
        RegistryStack stack = new RegistryStack(app, RegistryStack.STACK_NAME, dev.berth.cdk.App.stackProps(settings),
                settings, imageDirectory());
        dev.berth.cdk.App.addChecks(app);
        return new Synth(app, stack, Template.fromStack(stack));
    }

    /** Settings exactly as the CLI would read them from cdk.json plus overrides. */
    public static Settings settings(Map<String, String> overrides) {
        Map<String, Object> context = cdkJsonContext();
        context.putAll(overrides);
        return Settings.from(context::get);
    }

    /** The "context" object of cdk.json, so settings and feature flags match the CLI. */
    public static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(
                    projectRoot().resolve("cdk.json").toFile(), new TypeReference<LinkedHashMap<String, Object>>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) cdkJson.get("context");
            return new LinkedHashMap<>(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path projectRoot() {
        return dev.berth.cdk.App.projectRoot();
    }

    /**
     * registry-image/ once the registry half has landed its Dockerfile; until then a throwaway
     * build context, so these tests do not wait for it.
     */
    public static Path imageDirectory() {
        Path real = projectRoot().resolve("registry-image");
        if (Files.isRegularFile(real.resolve("Dockerfile"))) {
            return real;
        }
        try {
            Path dir = Files.createTempDirectory("berth-placeholder-image");
            Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
            dir.toFile().deleteOnExit();
            dir.resolve("Dockerfile").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
