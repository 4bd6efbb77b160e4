package dev.berth.registry.auth.aws;

import dev.berth.registry.config.RegistryConfig.AwsUsers;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.SsmClientBuilder;

/**
 * The two AWS reads of {@code auth.aws}: the SSM parameter's value and a secret's SecretString.
 * Credentials come from the SDK's default chain (the task role on ECS; the usual {@code AWS_*}
 * variables or system properties elsewhere); the HTTP client is the same synchronous Apache one
 * as S3's.
 */
final class AwsUserStore implements AutoCloseable {

    /** A call that hangs is given up on, so a refresh ends and the next one starts on time. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    private final SsmClient ssm;
    private final SecretsManagerClient secrets;

    AwsUserStore(AwsUsers settings) {
        Region region = Region.of(settings.region());
        ClientOverrideConfiguration timeouts = ClientOverrideConfiguration.builder()
                .apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(ATTEMPT_TIMEOUT).build();
        SsmClientBuilder ssmBuilder = SsmClient.builder().region(region)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(timeouts)
                .httpClientBuilder(Apache5HttpClient.builder());
        SecretsManagerClientBuilder secretsBuilder = SecretsManagerClient.builder().region(region)
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(timeouts)
                .httpClientBuilder(Apache5HttpClient.builder());
        settings.endpoint().ifPresent(endpoint -> {
            ssmBuilder.endpointOverride(endpoint);
            secretsBuilder.endpointOverride(endpoint);
        });
        this.ssm = ssmBuilder.build();
        this.secrets = secretsBuilder.build();
    }

    /** The parameter's value (a SecureString is decrypted). */
    String parameter(String name) {
        return ssm.getParameter(request -> request.name(name).withDecryption(true)).parameter().value();
    }

    /** The secret's SecretString: the user's password, as it is. */
    String secret(String id) {
        String value = secrets.getSecretValue(request -> request.secretId(id)).secretString();
        if (value == null) {
            throw new IllegalStateException("secret " + id + " has no SecretString (a binary secret cannot be a password)");
        }
        return value;
    }

    @Override
    public void close() {
        ssm.close();
        secrets.close();
    }
}
