package dev.berth.cdk.service;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.berth.cdk.SharedKey;
import dev.berth.cdk.Required;
import dev.berth.cdk.access.RegistryAccess;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.IgnoreMode;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Capability;
import software.amazon.awscdk.services.ecs.DockerVolumeConfiguration;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.LinuxParameters;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.Scope;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.NetworkMode;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * What one registry task is: the task role with exactly the S3 actions it needs, the shared
 * upload-state secret, and the task definition whose container carries the REGISTRY_* settings.
 *
 * <p>A part of the {@code Registry} scope, like {@link RegistryService} and
 * {@link RegistryLoadBalancer}, not a construct of its own: its resources stay direct children of
 * that scope, so their paths and logical ids ({@code RegistryTaskRole…}) are those of stacks
 * already deployed. A node of its own would rename them, and CloudFormation would replace them
 * (a new upload-state secret among them).
 */
public final class RegistryTask {

    /**
     * Made with {@link #builder()}.
     *
     * @param bucket         the image bucket; required
     * @param access         the users, rules and token key the registry reads; required
     * @param imageDirectory the Docker build context of the registry image; required
     * @param platform       the hosts' CPU; default linux/amd64
     * @param logRetention   how long container logs are kept; default one month
     */
    public record Props(IBucket bucket, RegistryAccess access, String imageDirectory, Platform platform,
            RetentionDays logRetention) {
        private static final String NAME = "RegistryTask.Props";

        public Props {
            Required.prop(bucket, NAME, "bucket");
            Required.prop(access, NAME, "access");
            Required.prop(imageDirectory, NAME, "imageDirectory");
            platform = platform != null ? platform : Platform.LINUX_AMD64;
            logRetention = logRetention != null ? logRetention : RetentionDays.ONE_MONTH;
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private IBucket bucket;
            private RegistryAccess access;
            private String imageDirectory;
            private Platform platform;
            private RetentionDays logRetention;

            public Builder bucket(IBucket bucket) { this.bucket = bucket; return this; }
            public Builder access(RegistryAccess access) { this.access = access; return this; }
            public Builder imageDirectory(String imageDirectory) { this.imageDirectory = imageDirectory; return this; }
            public Builder platform(Platform platform) { this.platform = platform; return this; }
            public Builder logRetention(RetentionDays logRetention) { this.logRetention = logRetention; return this; }

            public Props build() {
                return new Props(bucket, access, imageDirectory, platform, logRetention);
            }
        }
    }

    public static final String CONTAINER_NAME = "registry";
    public static final int CONTAINER_PORT = 5000;
    public static final String HEALTH_PATH = "/healthz";
    /** What ECS keeps free on a host for a task, and what the task may use at most. */
    public static final int MEMORY_RESERVATION_MIB = 512;
    public static final int MEMORY_LIMIT_MIB = 1024;
    /** The one writable place in the container besides the image's declared volumes. */
    public static final String TMP_PATH = "/tmp";
    static final String TMP_VOLUME = "tmp";
    /** Writable places ECS Exec's agent needs in a container with a read-only root, by volume name. */
    static final java.util.Map<String, String> EXEC_AGENT_PATHS = new java.util.TreeMap<>(java.util.Map.of(
            "exec-agents", "/managed-agents",
            "exec-state", "/var/lib/amazon/ssm",
            "exec-logs", "/var/log/amazon/ssm"));
    /**
     * When a task leaves (deployment, scale-in), requests in flight (a push of a large layer is
     * one long request) get this long twice over: first the ALB drains the target (it finishes
     * at once when nothing is in flight), then the registry drains after SIGTERM
     * (http.draintimeout), and ECS kills it 10 s later.
     */
    static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(110);

    /** The bucket-level and object-level actions of the registry's S3 storage driver. */
    public static final List<String> BUCKET_ACTIONS = List.of(
            "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads");
    public static final List<String> OBJECT_ACTIONS = List.of(
            "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts",
            "s3:PutObject");

    private final Construct scope;
    private final Ec2TaskDefinition taskDefinition;
    private LogGroup logGroup;

    /** @param scope the {@code Registry} scope the resources are made in */
    public RegistryTask(Construct scope, Props props) {
        this.scope = scope;
        Role taskRole = createTaskRole(props.bucket(), props.access());
        Secret httpSecret = createHttpSecret();
        this.taskDefinition = createTaskDefinition(props, taskRole, httpSecret);
    }

    public Ec2TaskDefinition taskDefinition() {
        return taskDefinition;
    }

    /** The registry container's log group (its request and error lines). */
    public LogGroup logGroup() {
        return logGroup;
    }

    /**
     * Exactly the S3 actions the registry's storage driver calls, written out rather than
     * {@code bucket.grantReadWrite} (which adds wildcard actions), and reading its users and
     * rules. Credentials reach the container through the task role; there are no access keys
     * anywhere. Inline policies, so no separate policy resource is attached later.
     */
    private Role createTaskRole(IBucket bucket, RegistryAccess access) {
        PolicyDocument bucketAccess = PolicyDocument.Builder.create()
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .sid("RegistryBucket")
                                .effect(Effect.ALLOW)
                                .actions(BUCKET_ACTIONS)
                                .resources(List.of(bucket.getBucketArn()))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("RegistryObjects")
                                .effect(Effect.ALLOW)
                                .actions(OBJECT_ACTIONS)
                                .resources(List.of(bucket.arnForObjects("*")))
                                .build()))
                .build();
        SortedMap<String, PolicyDocument> inline = new TreeMap<>();
        inline.put("RegistryStorage", bucketAccess);
        inline.put("RegistryUsers", access.taskPolicy());
        Role role = Role.Builder.create(scope, "TaskRole")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("Berth registry task: read and write its image bucket, read its users, nothing else")
                .inlinePolicies(inline)
                .build();
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("The registry stores blobs and manifests under arbitrary keys of its own bucket; "
                        + "object actions need bucket/* (actions themselves are listed, no wildcards).")
                .appliesTo(List.of(RegexAppliesTo.builder().regex("/^Resource::.*\\/\\*$/g").build()))
                .build()));
        return role;
    }

    /**
     * The HMAC secret for upload state: shared by all tasks so an upload may continue on
     * any of them. Generated by Secrets Manager, never in the template or in plain env.
     */
    private Secret createHttpSecret() {
        return SharedKey.generated(scope, "HttpSecret",
                "Berth registry: HMAC secret for upload state (REGISTRY_HTTP_SECRET)",
                "Rotating the upload-state HMAC key would break in-flight uploads for no gain: "
                        + "it never leaves AWS and protects only resumable-upload state.");
    }

    private Ec2TaskDefinition createTaskDefinition(Props props, Role taskRole, Secret httpSecret) {
        // Bridge mode: tasks share the host's network and reach AWS APIs through it, so
        // public-subnet hosts need no NAT; the load balancer reaches them on dynamic ports.
        Ec2TaskDefinition definition = Ec2TaskDefinition.Builder.create(scope, "TaskDefinition")
                .networkMode(NetworkMode.BRIDGE)
                .taskRole(taskRole)
                .build();
        this.logGroup = LogGroup.Builder.create(scope, "LogGroup").retention(props.logRetention()).build();
        definition.addContainer(CONTAINER_NAME, ContainerDefinitionOptions.builder()
                .image(registryImage(props.imageDirectory(), props.platform()))
                .cpu(512)
                .memoryReservationMiB(MEMORY_RESERVATION_MIB)
                .memoryLimitMiB(MEMORY_LIMIT_MIB)
                .environment(registryEnvironment(props.bucket().getBucketName(), Stack.of(scope).getRegion(),
                        props.access().environment()))
                .secrets(registrySecrets(httpSecret, props.access().signingKey()))
                // SIGKILL only after the registry had its drain time (ECS allows 120 s at most).
                .stopTimeout(Duration.seconds(DRAIN_TIMEOUT.toSeconds() + 10))
                .portMappings(List.of(PortMapping.builder()
                        .containerPort(CONTAINER_PORT)
                        .hostPort(0)
                        .protocol(Protocol.TCP)
                        .build()))
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder()
                        .logGroup(logGroup)
                        .streamPrefix(CONTAINER_NAME)
                        .build()))
                // Nothing in the image changes at run time: the registry writes only to S3 and to
                // java's temp dir (parts beyond 16 MiB, the JVM's perf data), a task-scoped volume.
                .readonlyRootFilesystem(true)
                .privileged(false)
                .linuxParameters(dropAllCapabilities())
                .healthCheck(containerHealthCheck())
                .build());
        definition.addVolume(Volume.builder()
                .name(TMP_VOLUME)
                // A Docker volume made for the task and removed with it; Docker fills a new volume
                // from the image's /tmp, mode 1777 included, so the registry's user may write there.
                .dockerVolumeConfiguration(DockerVolumeConfiguration.builder()
                        .scope(Scope.TASK)
                        .driver("local")
                        .build())
                .build());
        definition.getDefaultContainer().addMountPoints(MountPoint.builder()
                .sourceVolume(TMP_VOLUME)
                .containerPath(TMP_PATH)
                .readOnly(false)
                .build());
        // ECS Exec's agent, bind-mounted into the container by ECS, writes its state and logs
        // here; on a read-only root it would stop at once (aws/containers-roadmap#1359).
        EXEC_AGENT_PATHS.forEach((volume, path) -> {
            definition.addVolume(Volume.builder()
                    .name(volume)
                    .dockerVolumeConfiguration(DockerVolumeConfiguration.builder()
                            .scope(Scope.TASK)
                            .driver("local")
                            .build())
                    .build());
            definition.getDefaultContainer().addMountPoints(MountPoint.builder()
                    .sourceVolume(volume)
                    .containerPath(path)
                    .readOnly(false)
                    .build());
        });
        NagSuppressions.addResourceSuppressions(definition, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-ECS2")
                .reason("The REGISTRY_* environment holds only non-secret settings (address, storage driver, "
                        + "bucket, region, log level, the name of the users' parameter, token service and realm); "
                        + "secrets are passed as ECS secrets from Secrets Manager.")
                .build()));
        // The registry reads its users at start; the parameter's name (in the environment) never
        // changes, so this dependency is fixed too, whatever the users.
        definition.getNode().addDependency(props.access().parameter());
        // The execution role (image pull, logs, secret read) is written by CDK.
        NagSuppressions.addResourceSuppressions(definition, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("CDK's execution role: ecr:GetAuthorizationToken does not support resource-level "
                        + "permissions.")
                .appliesTo(List.of("Resource::*"))
                .build()), true);
        return definition;
    }

    /** The registry listens on an unprivileged port as a non-root user: it needs no capability. */
    private LinuxParameters dropAllCapabilities() {
        LinuxParameters parameters = LinuxParameters.Builder.create(scope, "LinuxParameters").build();
        parameters.dropCapabilities(Capability.ALL);
        return parameters;
    }

    /**
     * ECS's view of the container's health, beside the load balancer's: bash's own /dev/tcp asks
     * {@value #HEALTH_PATH} on the port of REGISTRY_HTTP_ADDR, so no JVM starts for it (the image's
     * Docker HEALTHCHECK, which does start one every 30 s, is replaced by this one on ECS).
     */
    static HealthCheck containerHealthCheck() {
        return HealthCheck.builder()
                .command(List.of("CMD", "bash", "-c", HEALTH_COMMAND))
                .interval(Duration.seconds(30))
                .timeout(Duration.seconds(5))
                .retries(3)
                .startPeriod(Duration.seconds(60))
                .build();
    }

    /** The first line of the answer must be "HTTP/1.1 200 ...". */
    public static final String HEALTH_COMMAND = "exec 3<>/dev/tcp/127.0.0.1/${REGISTRY_HTTP_ADDR##*:}"
            + " && printf 'GET " + HEALTH_PATH + " HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3"
            + " && read -r _ status _ <&3 && [ \"$status\" = 200 ]";

    /**
     * The image built from the registry's directory on the deployer's machine. Its
     * .dockerignore decides what is hashed, so a built target/ never changes the image.
     */
    public static ContainerImage registryImage(String directory, Platform platform) {
        return ContainerImage.fromAsset(directory, AssetImageProps.builder()
                .ignoreMode(IgnoreMode.DOCKER)
                .platform(platform)
                .build());
    }

    /**
     * The registry:2-compatible settings, sorted so the rendered template never depends on map
     * iteration order. Values are plain strings or Refs, so a test can start the registry jar
     * with exactly this environment read from the template.
     */
    public static SortedMap<String, String> registryEnvironment(String bucketName, String region,
            SortedMap<String, String> auth) {
        SortedMap<String, String> env = new TreeMap<>(auth);
        env.put("REGISTRY_HTTP_ADDR", ":" + CONTAINER_PORT);
        env.put("REGISTRY_HTTP_DRAINTIMEOUT", DRAIN_TIMEOUT.toSeconds() + "s");
        // The hosts take traffic only from the load balancer's security group, so the last
        // X-Forwarded-For entry (the one the ALB appends) is the client: per-client limits such
        // as failed logins count real clients, not the ALB's few addresses.
        env.put("REGISTRY_LIMITS_TRUSTFORWARDEDFOR", "true");
        env.put("REGISTRY_LOG_LEVEL", "info");
        env.put("REGISTRY_STORAGE", "s3");
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        env.put("REGISTRY_STORAGE_S3_BUCKET", bucketName);
        env.put("REGISTRY_STORAGE_S3_REGION", region);
        return env;
    }

    /**
     * Settings that are secrets, as ECS secrets (injected at container start, never in the
     * template). User passwords are not among them: the registry reads those itself, so they
     * change without a restart.
     */
    private static SortedMap<String, software.amazon.awscdk.services.ecs.Secret> registrySecrets(Secret httpSecret,
            Secret signingKey) {
        SortedMap<String, software.amazon.awscdk.services.ecs.Secret> secrets = new TreeMap<>();
        secrets.put("REGISTRY_AUTH_BEARER_SIGNINGKEY",
                software.amazon.awscdk.services.ecs.Secret.fromSecretsManager(signingKey));
        secrets.put("REGISTRY_HTTP_SECRET", software.amazon.awscdk.services.ecs.Secret.fromSecretsManager(httpSecret));
        return secrets;
    }
}
