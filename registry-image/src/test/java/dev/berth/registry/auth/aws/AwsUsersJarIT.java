package dev.berth.registry.auth.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.testing.AwsJsonServer;
import dev.berth.registry.testing.Eventually;
import dev.berth.registry.testing.Htpasswd;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.aws} from the packaged jar, as the image runs it: the shaded jar holds what the SSM
 * and Secrets Manager clients need, logs a user in and picks up a changed password.
 */
class AwsUsersJarIT {

    @TempDir
    Path folder;

    @Test
    void theJarReadsUsersFromAwsAndFollowsAChangedPassword() throws Exception {
        try (AwsJsonServer aws = AwsJsonServer.start()) {
            aws.putSecret("berth/users/ci", "first");
            aws.putParameter("/berth/users", """
                    {"users": {"ci": {"secret": "berth/users/ci"}},
                     "access": {"rules": [{"repositories": ["**"], "users": ["ci"], "actions": ["pull"]}]}}""");
            Map<String, String> env = Map.of(
                    "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", Files.createDirectory(folder.resolve("data")).toString(),
                    "REGISTRY_AUTH_AWS_PARAMETER", "/berth/users",
                    "REGISTRY_AUTH_AWS_ENDPOINT", aws.endpoint().toString(),
                    "REGISTRY_AUTH_AWS_REFRESH", "1s",
                    "REGISTRY_LIMITS_USERFAILURES", "100000",
                    "REGISTRY_LIMITS_PASSWORDFAILURES", "100000",
                    "AWS_REGION", AwsJsonServer.REGION,
                    "AWS_ACCESS_KEY_ID", AwsJsonServer.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", AwsJsonServer.SECRET_KEY);
            try (RegistryProcess registry = RegistryProcess.start("aws-jar", RegistryProcess.Launch.JAR, env, List.of(),
                    null).awaitReady("/healthz")) {
                RegistryClient client = new RegistryClient(registry.base());
                assertEquals(200, client.get("/v2/", "Authorization", Htpasswd.basic("ci", "first")).status());
                assertEquals(404, client.get("/v2/any/manifests/latest", "Authorization",
                        Htpasswd.basic("ci", "first")).status(), "pulled through its rule: none there yet");
                aws.putSecret("berth/users/ci", "second");
                Eventually.await(Duration.ofSeconds(15), Duration.ofMillis(200), "the changed password counts",
                        () -> client.get("/v2/", "Authorization", Htpasswd.basic("ci", "second")).status() == 200);
            }
        }
    }
}
