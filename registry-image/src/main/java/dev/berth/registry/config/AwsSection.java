package dev.berth.registry.config;

import dev.berth.registry.config.RegistryConfig.AwsUsers;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code auth.aws}: users and rules kept in AWS ({@link UserDocument} in an SSM parameter, one
 * Secrets Manager secret per password), re-read every {@code refresh}. It replaces
 * {@code auth.htpasswd} and {@code auth.access}: configuring either beside it stops the start,
 * since two sources of users or rules would leave it unclear which one counts.
 */
final class AwsSection {

    static final String KEY = "auth.aws";
    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

    private AwsSection() {}

    static Optional<AwsUsers> read(ConfigTree tree, Map<String, String> env) {
        if (!tree.has(KEY)) {
            return Optional.empty();
        }
        if (tree.has("auth.htpasswd")) {
            throw tree.fail(KEY, "cannot be combined with auth.htpasswd: configure one source of users");
        }
        if (tree.has(AccessSection.KEY)) {
            throw tree.fail(AccessSection.KEY, "not used with auth.aws: the rules come from the access section of"
                    + " the auth.aws.parameter document");
        }
        String parameter = tree.required(KEY + ".parameter", "required: the name of the SSM parameter holding the"
                + " users and rules");
        Optional<String> region = tree.string(KEY + ".region").filter(s -> !s.isBlank()).map(String::strip)
                .or(() -> tree.string("storage.s3.region").filter(s -> !s.isBlank()).map(String::strip))
                .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank()));
        if (region.isEmpty()) {
            throw tree.fail(KEY + ".region", "required: set it, storage.s3.region or AWS_REGION");
        }
        Optional<URI> endpoint = tree.string(KEY + ".endpoint").filter(s -> !s.isBlank()).map(s -> endpoint(tree, s));
        Duration refresh = tree.duration(KEY + ".refresh", DEFAULT_REFRESH);
        if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
            throw tree.fail(KEY + ".refresh", "must be at least 1s");
        }
        return Optional.of(new AwsUsers(parameter.strip(), region.get(), endpoint, refresh));
    }

    private static URI endpoint(ConfigTree tree, String text) {
        try {
            URI uri = URI.create(text.strip());
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw tree.fail(KEY + ".endpoint", "must be an http(s) URL such as https://ssm.eu-west-1.amazonaws.com,"
                    + " got \"" + text + "\"");
        }
    }
}
