package dev.berth.cdk.access;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.berth.cdk.AccessSettings;
import dev.berth.cdk.Nag;
import dev.berth.cdk.SharedKey;
import dev.berth.cdk.Required;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.ssm.ParameterTier;
import software.amazon.awscdk.services.ssm.StringParameter;
import software.constructs.Construct;

/**
 * The registry's users and rules, kept where the registry re-reads them every minute (its
 * {@code auth.aws} settings): one generated Secrets Manager secret per user holding the plain
 * password, and one SSM parameter holding the {@link AccessDocument} that names those secrets.
 * Also the signing key of the registry's tokens ({@code auth.bearer}).
 *
 * <p>Nothing here reaches the task definition except the parameter's name, which never changes:
 * adding a user or changing a rule updates the parameter and the secrets in place, and running
 * tasks pick that up without a new task definition revision or a restart.
 */
public final class RegistryAccess extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param settings   the users, rules and anonymous pulls; required
     * @param domainName the registry's DNS name, or empty (then the token realm is derived per request)
     */
    public record Props(AccessSettings settings, String domainName) {
        private static final String NAME = "RegistryAccess.Props";

        public Props {
            Required.prop(settings, NAME, "settings");
            domainName = domainName != null ? domainName : "";
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private AccessSettings settings;
            private String domainName;

            public Builder settings(AccessSettings settings) { this.settings = settings; return this; }
            public Builder domainName(String domainName) { this.domainName = domainName; return this; }

            public Props build() {
                return new Props(settings, domainName);
            }
        }
    }

    /**
     * Above this the parameter needs the advanced tier (Intelligent-Tiering picks it); above
     * {@link #MAX_DOCUMENT_CHARS} no parameter holds it.
     */
    static final int MAX_DOCUMENT_CHARS = 8192;
    /** A generous length for a secret ARN in the size check (real ones are about 100 characters). */
    static final int ARN_ALLOWANCE = 160;

    private final AccessSettings settings;
    private final Map<String, Secret> passwords = new LinkedHashMap<>();
    private final Secret signingKey;
    private final StringParameter parameter;
    private final String domainName;

    public RegistryAccess(Construct scope, String id, Props props) {
        super(scope, id);
        this.settings = props.settings();
        this.domainName = props.domainName();
        checkSize();
        for (AccessSettings.User user : settings.users()) {
            passwords.put(user.name(), createPassword(user.name()));
        }
        this.signingKey = createSigningKey();
        this.parameter = createParameter();
    }

    /** The parameter the registry reads ({@code REGISTRY_AUTH_AWS_PARAMETER}); fixed per stack. */
    public String parameterName() {
        return "/berth/" + Stack.of(this).getStackName() + "/access";
    }

    public StringParameter parameter() {
        return parameter;
    }

    public Secret signingKey() {
        return signingKey;
    }

    /** The secret holding {@code user}'s password. */
    public Secret password(String user) {
        Secret secret = passwords.get(user);
        if (secret == null) {
            throw new IllegalArgumentException("no registry user " + user);
        }
        return secret;
    }

    public AccessSettings settings() {
        return settings;
    }

    /**
     * The registry's auth settings that are not secret. The service (the tokens' audience) is the
     * domain, else the stack's name; the realm is fixed only when a domain is (otherwise the
     * registry derives it from each request's Host).
     */
    public SortedMap<String, String> environment() {
        SortedMap<String, String> env = new TreeMap<>();
        env.put("REGISTRY_AUTH_AWS_PARAMETER", parameterName());
        env.put("REGISTRY_AUTH_BEARER_SERVICE", domainName.isEmpty() ? Stack.of(this).getStackName() : domainName);
        if (!domainName.isEmpty()) {
            env.put("REGISTRY_AUTH_BEARER_REALM", "https://" + domainName + "/token");
        }
        return env;
    }

    /**
     * What the task role needs: read the one parameter and the users' password secrets, nothing
     * else (the secrets use the AWS managed key, so no KMS grant).
     */
    public PolicyDocument taskPolicy() {
        return PolicyDocument.Builder.create()
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .sid("RegistryAccessDocument")
                                .effect(Effect.ALLOW)
                                .actions(List.of("ssm:GetParameter"))
                                .resources(List.of(parameter.getParameterArn()))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("RegistryUserPasswords")
                                .effect(Effect.ALLOW)
                                .actions(List.of("secretsmanager:GetSecretValue"))
                                .resources(passwords.values().stream().map(Secret::getSecretArn).toList())
                                .build()))
                .build();
    }

    /**
     * The password is the whole SecretString (no JSON), letters and digits only so it survives
     * shells, URLs and {@code docker login} unquoted. Removing a user deletes its secret.
     */
    private Secret createPassword(String user) {
        Secret secret = Secret.Builder.create(this, "User-" + user)
                .description("Berth registry: password of user " + user)
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(32)
                        .excludePunctuation(true)
                        .includeSpace(false)
                        .build())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Nag.acknowledge(secret, "Registry passwords are rotated by the operator with put-secret-value (README); "
                + "the registry re-reads them within a minute. No rotation Lambda is deployed.",
                "AwsSolutions-SMG4", Nag.NIST + "SecretsManagerRotationEnabled");
        return secret;
    }

    /** Shared by all tasks so a token issued by one is accepted by every other. */
    private Secret createSigningKey() {
        return SharedKey.generated(this, "TokenSigningKey",
                "Berth registry: HMAC key of its bearer tokens (REGISTRY_AUTH_BEARER_SIGNINGKEY)",
                "ECS injects the token signing key at task start: a rotation would leave running "
                        + "tasks on different keys, rejecting each other's tokens, until every task restarts.");
    }

    private StringParameter createParameter() {
        Map<String, Object> document = AccessDocument.of(settings, user -> passwords.get(user).getSecretArn());
        return StringParameter.Builder.create(this, "Document")
                .parameterName(parameterName())
                .simpleName(false)
                .description("Berth registry: users (password secret ARNs, groups) and access rules (auth.aws)")
                .stringValue(Stack.of(this).toJsonString(document))
                .tier(ParameterTier.INTELLIGENT_TIERING)
                .build();
    }

    /** Fails synth, naming the setting, before CloudFormation would fail the deployment. */
    private void checkSize() {
        String arn = "a".repeat(ARN_ALLOWANCE);
        try {
            int chars = new ObjectMapper().writeValueAsString(AccessDocument.of(settings, user -> arn)).length();
            if (chars > MAX_DOCUMENT_CHARS) {
                throw new IllegalArgumentException("Invalid setting 'users': the users and accessRules come to about "
                        + chars + " characters in the access parameter, more than the " + MAX_DOCUMENT_CHARS
                        + " an SSM parameter holds: use fewer users (groups and wider patterns in fewer rules).");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
