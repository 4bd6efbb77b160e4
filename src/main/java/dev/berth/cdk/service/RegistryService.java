package dev.berth.cdk.service;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.berth.cdk.Required;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.IgnoreMode;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.BuiltInAttributes;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.NetworkMode;
import software.amazon.awscdk.services.ecs.PlacementStrategy;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.RedirectOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The registry itself on ECS: the task role with exactly the S3 actions it needs, the shared
 * upload-state secret, the container with its REGISTRY_* settings, the service with circuit
 * breaker and CPU auto scaling, and the internet-facing load balancer in front of it.
 */
public class RegistryService extends Construct {

    /** Immutable; made with {@link #builder()}. */
    public static final class Props {
        private static final String NAME = "RegistryService.Props";
        private final IVpc vpc;
        private final SubnetSelection loadBalancerSubnets;
        private final ICluster cluster;
        private final AsgCapacityProvider capacityProvider;
        private final ISecurityGroup hostSecurityGroup;
        private final IBucket bucket;
        private final IBucket accessLogs;
        private final String imageDirectory;
        private final Platform platform;
        private final int desiredTasks;
        private final int maxTasks;
        private final RetentionDays logRetention;
        private final List<String> allowedClientCidrs;
        private final ICertificate certificate;

        private Props(Builder b) {
            this.vpc = Required.prop(b.vpc, NAME, "vpc");
            this.loadBalancerSubnets = b.loadBalancerSubnets != null ? b.loadBalancerSubnets
                    : SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build();
            this.cluster = Required.prop(b.cluster, NAME, "cluster");
            this.capacityProvider = Required.prop(b.capacityProvider, NAME, "capacityProvider");
            this.hostSecurityGroup = Required.prop(b.hostSecurityGroup, NAME, "hostSecurityGroup");
            this.bucket = Required.prop(b.bucket, NAME, "bucket");
            this.accessLogs = Required.prop(b.accessLogs, NAME, "accessLogs");
            this.imageDirectory = Required.prop(b.imageDirectory, NAME, "imageDirectory");
            this.platform = b.platform != null ? b.platform : Platform.LINUX_AMD64;
            this.desiredTasks = b.desiredTasks != null ? b.desiredTasks : DEFAULT_DESIRED_TASKS;
            this.maxTasks = b.maxTasks != null ? b.maxTasks : desiredTasks;
            if (maxTasks < desiredTasks) {
                throw new IllegalStateException(NAME + ": maxTasks (" + maxTasks + ") is below desiredTasks ("
                        + desiredTasks + ")");
            }
            this.logRetention = b.logRetention != null ? b.logRetention : RetentionDays.ONE_MONTH;
            this.allowedClientCidrs = b.allowedClientCidrs != null ? List.copyOf(b.allowedClientCidrs)
                    : List.of("0.0.0.0/0");
            this.certificate = b.certificate;
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Required. */
        public IVpc vpc() {
            return vpc;
        }

        /** Where the internet-facing load balancer lives; default the public subnets. */
        public SubnetSelection loadBalancerSubnets() {
            return loadBalancerSubnets;
        }

        /** Required. */
        public ICluster cluster() {
            return cluster;
        }

        /** The cluster's capacity provider the service places tasks with. Required. */
        public AsgCapacityProvider capacityProvider() {
            return capacityProvider;
        }

        /** The hosts' security group, opened to the load balancer on Docker's dynamic ports. Required. */
        public ISecurityGroup hostSecurityGroup() {
            return hostSecurityGroup;
        }

        /** The image bucket. Required. */
        public IBucket bucket() {
            return bucket;
        }

        /** Where the load balancer's access logs go. Required. */
        public IBucket accessLogs() {
            return accessLogs;
        }

        /** The Docker build context of the registry image. Required. */
        public String imageDirectory() {
            return imageDirectory;
        }

        /** The hosts' CPU; default linux/amd64. */
        public Platform platform() {
            return platform;
        }

        /** Tasks normally running, and the auto-scaling floor; default 2. */
        public int desiredTasks() {
            return desiredTasks;
        }

        /** The auto-scaling ceiling; default desiredTasks (no scale-out). */
        public int maxTasks() {
            return maxTasks;
        }

        /** How long container logs are kept; default one month. */
        public RetentionDays logRetention() {
            return logRetention;
        }

        /** IPv4 CIDRs that may reach the load balancer; default anywhere. */
        public List<String> allowedClientCidrs() {
            return allowedClientCidrs;
        }

        /** TLS certificate for an HTTPS listener; default none: HTTP only. */
        public ICertificate certificate() {
            return certificate;
        }

        public static final class Builder {
            private IVpc vpc;
            private SubnetSelection loadBalancerSubnets;
            private ICluster cluster;
            private AsgCapacityProvider capacityProvider;
            private ISecurityGroup hostSecurityGroup;
            private IBucket bucket;
            private IBucket accessLogs;
            private String imageDirectory;
            private Platform platform;
            private Integer desiredTasks;
            private Integer maxTasks;
            private RetentionDays logRetention;
            private List<String> allowedClientCidrs;
            private ICertificate certificate;

            private Builder() {
            }

            public Builder vpc(IVpc vpc) {
                this.vpc = vpc;
                return this;
            }

            public Builder loadBalancerSubnets(SubnetSelection loadBalancerSubnets) {
                this.loadBalancerSubnets = loadBalancerSubnets;
                return this;
            }

            public Builder cluster(ICluster cluster) {
                this.cluster = cluster;
                return this;
            }

            public Builder capacityProvider(AsgCapacityProvider capacityProvider) {
                this.capacityProvider = capacityProvider;
                return this;
            }

            public Builder hostSecurityGroup(ISecurityGroup hostSecurityGroup) {
                this.hostSecurityGroup = hostSecurityGroup;
                return this;
            }

            public Builder bucket(IBucket bucket) {
                this.bucket = bucket;
                return this;
            }

            public Builder accessLogs(IBucket accessLogs) {
                this.accessLogs = accessLogs;
                return this;
            }

            public Builder imageDirectory(String imageDirectory) {
                this.imageDirectory = imageDirectory;
                return this;
            }

            public Builder platform(Platform platform) {
                this.platform = platform;
                return this;
            }

            public Builder desiredTasks(int desiredTasks) {
                this.desiredTasks = desiredTasks;
                return this;
            }

            public Builder maxTasks(int maxTasks) {
                this.maxTasks = maxTasks;
                return this;
            }

            public Builder logRetention(RetentionDays logRetention) {
                this.logRetention = logRetention;
                return this;
            }

            public Builder allowedClientCidrs(List<String> allowedClientCidrs) {
                this.allowedClientCidrs = allowedClientCidrs;
                return this;
            }

            /** @param certificate null for HTTP only */
            public Builder certificate(ICertificate certificate) {
                this.certificate = certificate;
                return this;
            }

            public Props build() {
                return new Props(this);
            }
        }
    }

    public static final int DEFAULT_DESIRED_TASKS = 2;

    public static final String CONTAINER_NAME = "registry";
    public static final int CONTAINER_PORT = 5000;
    public static final String HEALTH_PATH = "/healthz";
    /**
     * Long enough for a multi-gigabyte layer pushed as one PUT over a slow link. The registry's
     * own idle timeout (960 s, RegistryServer) must stay longer, or the ALB answers some requests 502.
     */
    public static final Duration IDLE_TIMEOUT = Duration.seconds(900);
    /**
     * When a task leaves (deployment, scale-in), requests in flight (a push of a large layer is
     * one long request) get this long twice over: first the ALB drains the target (it finishes
     * at once when nothing is in flight), then the registry drains after SIGTERM
     * (http.draintimeout), and ECS kills it 10 s later.
     */
    static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(110);

    /** Docker's dynamic host ports (bridge mode, hostPort 0). */
    public static final Port HOST_PORTS = Port.tcpRange(32768, 65535);

    /** The bucket-level and object-level actions of the registry's S3 storage driver. */
    public static final List<String> BUCKET_ACTIONS = List.of(
            "s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads");
    public static final List<String> OBJECT_ACTIONS = List.of(
            "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts",
            "s3:PutObject");

    private final ApplicationLoadBalancer loadBalancer;
    private final Ec2Service service;
    private final boolean https;

    public RegistryService(Construct scope, String id, Props props) {
        super(scope, id);
        this.https = props.certificate() != null;
        Role taskRole = createTaskRole(props.bucket());
        software.amazon.awscdk.services.secretsmanager.Secret httpSecret = createHttpSecret();
        Ec2TaskDefinition taskDefinition = createTaskDefinition(props, taskRole, httpSecret);
        this.service = createService(props, taskDefinition);
        this.loadBalancer = createLoadBalancer(props);
        createListeners(props, createTargetGroup(props));
        createAutoScaling(props);
    }

    public ApplicationLoadBalancer loadBalancer() {
        return loadBalancer;
    }

    public Ec2Service service() {
        return service;
    }

    public boolean https() {
        return https;
    }

    /**
     * Exactly the S3 actions the registry's storage driver calls, written out rather than
     * {@code bucket.grantReadWrite} (which adds wildcard actions). Credentials reach the
     * container through the task role; there are no access keys anywhere.
     */
    private Role createTaskRole(IBucket bucket) {
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
        Role role = Role.Builder.create(this, "TaskRole")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("Berth registry task: read and write its image bucket, nothing else")
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
    private software.amazon.awscdk.services.secretsmanager.Secret createHttpSecret() {
        var secret = software.amazon.awscdk.services.secretsmanager.Secret.Builder.create(this, "HttpSecret")
                .description("Berth registry: HMAC secret for upload state (REGISTRY_HTTP_SECRET)")
                .generateSecretString(SecretStringGenerator.builder()
                        .passwordLength(64)
                        .excludePunctuation(true)
                        .build())
                .build();
        NagSuppressions.addResourceSuppressions(secret, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason("Rotating the upload-state HMAC key would break in-flight uploads for no gain: "
                        + "it never leaves AWS and protects only resumable-upload state.")
                .build()));
        return secret;
    }

    private Ec2TaskDefinition createTaskDefinition(
            Props props, Role taskRole, software.amazon.awscdk.services.secretsmanager.Secret httpSecret) {
        // Bridge mode: tasks share the host's network and reach AWS APIs through it, so
        // public-subnet hosts need no NAT; the load balancer reaches them on dynamic ports.
        Ec2TaskDefinition taskDefinition = Ec2TaskDefinition.Builder.create(this, "TaskDefinition")
                .networkMode(NetworkMode.BRIDGE)
                .taskRole(taskRole)
                .build();
        LogGroup logGroup = LogGroup.Builder.create(this, "LogGroup").retention(props.logRetention()).build();
        ContainerDefinition container = taskDefinition.addContainer(CONTAINER_NAME,
                software.amazon.awscdk.services.ecs.ContainerDefinitionOptions.builder()
                        .image(registryImage(props.imageDirectory(), props.platform()))
                        .cpu(512)
                        .memoryReservationMiB(512)
                        .memoryLimitMiB(1024)
                        .environment(registryEnvironment(props.bucket()))
                        .secrets(registrySecrets(httpSecret))
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
                        .build());
        NagSuppressions.addResourceSuppressions(taskDefinition, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-ECS2")
                .reason("The REGISTRY_* environment holds only non-secret settings (address, storage driver, "
                        + "bucket, region, log level); secrets are passed as ECS secrets from Secrets Manager.")
                .build()));
        // The execution role (image pull, logs, secret read) is written by CDK.
        NagSuppressions.addResourceSuppressions(taskDefinition, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("CDK's execution role: ecr:GetAuthorizationToken does not support resource-level "
                        + "permissions.")
                .appliesTo(List.of("Resource::*"))
                .build()), true);
        return taskDefinition;
    }

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
    public static SortedMap<String, String> registryEnvironment(String bucketName, String region) {
        SortedMap<String, String> env = new TreeMap<>();
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

    private SortedMap<String, String> registryEnvironment(IBucket bucket) {
        return registryEnvironment(bucket.getBucketName(), Stack.of(this).getRegion());
    }

    /**
     * Settings that are secrets, as ECS secrets (injected at container start, never in the
     * template). Auth comes later: add REGISTRY_AUTH_HTPASSWD_* here from its own secret.
     */
    private SortedMap<String, Secret> registrySecrets(
            software.amazon.awscdk.services.secretsmanager.Secret httpSecret) {
        SortedMap<String, Secret> secrets = new TreeMap<>();
        secrets.put("REGISTRY_HTTP_SECRET", Secret.fromSecretsManager(httpSecret));
        return secrets;
    }

    private Ec2Service createService(Props props, Ec2TaskDefinition taskDefinition) {
        Ec2Service ec2Service = Ec2Service.Builder.create(this, "Service")
                .cluster(props.cluster())
                .taskDefinition(taskDefinition)
                .desiredCount(props.desiredTasks())
                .capacityProviderStrategies(List.of(CapacityProviderStrategy.builder()
                        .capacityProvider(props.capacityProvider().getCapacityProviderName())
                        .weight(1)
                        .build()))
                .placementStrategies(List.of(
                        PlacementStrategy.spreadAcross(BuiltInAttributes.AVAILABILITY_ZONE),
                        PlacementStrategy.spreadAcrossInstances()))
                .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
                .minHealthyPercent(50)
                .maxHealthyPercent(200)
                .healthCheckGracePeriod(Duration.seconds(60))
                .build();
        // The strategy names the capacity provider, which must be attached to the cluster first.
        ec2Service.getNode().addDependency(props.cluster());
        return ec2Service;
    }

    private ApplicationLoadBalancer createLoadBalancer(Props props) {
        SecurityGroup securityGroup = SecurityGroup.Builder.create(this, "LoadBalancerSecurityGroup")
                .vpc(props.vpc())
                .description("Berth load balancer: registry clients in")
                .allowAllOutbound(false)
                .build();
        List<Integer> ports = https ? List.of(80, 443) : List.of(80);
        for (String cidr : props.allowedClientCidrs()) {
            for (int port : ports) {
                securityGroup.addIngressRule(Peer.ipv4(cidr), Port.tcp(port), "registry clients");
            }
        }
        if (props.allowedClientCidrs().contains("0.0.0.0/0")) {
            Annotations.of(this).addWarningV2("berth:open-registry",
                    "OPEN TO THE INTERNET WITHOUT AUTHENTICATION: allowedClientCidrs admits 0.0.0.0/0 and the "
                            + "stack does not provision registry users yet, so anyone can pull, push and delete "
                            + "images. Set allowedClientCidrs to your networks (-c allowedClientCidrs=203.0.113.0/24).");
        }
        NagSuppressions.addResourceSuppressions(securityGroup, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-EC23")
                .reason("A registry serves clients from anywhere by default; narrow it with the "
                        + "allowedClientCidrs setting.")
                .build()));
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.Builder.create(this, "LoadBalancer")
                .vpc(props.vpc())
                .vpcSubnets(props.loadBalancerSubnets())
                .internetFacing(true)
                .securityGroup(securityGroup)
                .idleTimeout(IDLE_TIMEOUT)
                .dropInvalidHeaderFields(true)
                .build();
        // Bridge mode maps the container port to a dynamic host port from this range; only
        // the load balancer may reach it.
        alb.getConnections().allowTo(props.hostSecurityGroup(), HOST_PORTS, "load balancer to registry tasks");
        alb.logAccessLogs(props.accessLogs(), "load-balancer");
        return alb;
    }

    /**
     * The port-80 listener keeps one id whether it forwards (no domain) or redirects to HTTPS, so
     * adding or removing a domain later updates it in place: a second listener on port 80 would
     * fail the deployment. The target group stands apart from the listeners for the same reason.
     */
    private void createListeners(Props props, ApplicationTargetGroup registry) {
        // Not "open": clients come only from allowedClientCidrs, on port 80 as on 443.
        BaseApplicationListenerProps.Builder http = BaseApplicationListenerProps.builder()
                .protocol(ApplicationProtocol.HTTP)
                .port(80)
                .open(false);
        if (!https) {
            Annotations.of(this).addWarningV2("berth:no-tls",
                    "NO DOMAIN CONFIGURED: the registry is served over plain HTTP. Image pushes, pulls "
                            + "and (later) passwords cross the internet unencrypted, and Docker clients need "
                            + "it listed in insecure-registries. Set domainName with hostedZoneId+"
                            + "hostedZoneName or certificateArn for HTTPS.");
            loadBalancer.addListener("Http", http.defaultTargetGroups(List.of(registry)).build());
            return;
        }
        loadBalancer.addListener("Http", http.defaultAction(ListenerAction.redirect(RedirectOptions.builder()
                .protocol("HTTPS")
                .port("443")
                .permanent(true)
                .build())).build());
        loadBalancer.addListener("Https", BaseApplicationListenerProps.builder()
                .protocol(ApplicationProtocol.HTTPS)
                .port(443)
                .certificates(List.of(ListenerCertificate.fromCertificateManager(props.certificate())))
                .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .open(false)
                .defaultTargetGroups(List.of(registry))
                .build());
    }

    private ApplicationTargetGroup createTargetGroup(Props props) {
        return ApplicationTargetGroup.Builder.create(this, "RegistryTargets")
                .vpc(props.vpc())
                .protocol(ApplicationProtocol.HTTP)
                .targetType(TargetType.INSTANCE)
                .targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
                        .containerName(CONTAINER_NAME)
                        .containerPort(CONTAINER_PORT)
                        .build())))
                .healthCheck(HealthCheck.builder()
                        .path(HEALTH_PATH)
                        .healthyHttpCodes("200")
                        .interval(Duration.seconds(15))
                        .healthyThresholdCount(2)
                        .build())
                .deregistrationDelay(Duration.seconds(DRAIN_TIMEOUT.toSeconds()))
                .build();
    }

    /** CPU, not request count: one request may be a five-second manifest GET or a 2 GB push. */
    private ScalableTaskCount createAutoScaling(Props props) {
        ScalableTaskCount scaling = service.autoScaleTaskCount(EnableScalingProps.builder()
                .minCapacity(props.desiredTasks())
                .maxCapacity(props.maxTasks())
                .build());
        scaling.scaleOnCpuUtilization("Cpu", CpuUtilizationScalingProps.builder()
                .targetUtilizationPercent(60)
                .build());
        return scaling;
    }
}
