package dev.berth.cdk;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.berth.cdk.access.RegistryAccess;
import dev.berth.cdk.dns.RegistryDomain;
import dev.berth.cdk.hosts.EcsHosts;
import dev.berth.cdk.monitoring.RegistryMonitoring;
import dev.berth.cdk.network.RegistryNetwork;
import dev.berth.cdk.service.RegistryLoadBalancer;
import dev.berth.cdk.service.RegistryService;
import dev.berth.cdk.service.RegistryTask;
import dev.berth.cdk.storage.AccessLogBucket;
import dev.berth.cdk.storage.ImageBucket;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** The whole private registry: wires the constructs together, owns no logic of its own. */
public class RegistryStack extends Stack {

    public static final String STACK_NAME = "BerthRegistry";

    private final RegistryLoadBalancer loadBalancer;

    /** @param imageDirectory the registry's Docker build context (normally {@code <repo>/registry-image}) */
    public RegistryStack(Construct scope, String id, StackProps props, Settings settings, Path imageDirectory) {
        super(scope, id, props);
        requireDockerfile(imageDirectory);
        Tags.of(this).add("project", "berth");
        RetentionDays retention = LogRetention.of(settings.logRetentionDays());

        RegistryNetwork network = new RegistryNetwork(this, "Network", RegistryNetwork.Props.builder()
                .privateHosts(settings.natMode() == Settings.NatMode.GATEWAY)
                .flowLogRetention(retention)
                .build());
        AccessLogBucket accessLogs = new AccessLogBucket(this, "AccessLogs", AccessLogBucket.Props.builder()
                .expireAfterDays(settings.logRetentionDays())
                .build());
        ImageBucket images = new ImageBucket(this, "Images", ImageBucket.Props.builder()
                .existingBucketName(settings.existingBucketName())
                .accessLogs(accessLogs.bucket())
                .noncurrentVersionDays(settings.noncurrentVersionDays())
                .build());
        EcsHosts hosts = new EcsHosts(this, "Hosts", EcsHosts.Props.builder()
                .vpc(network.vpc())
                .subnets(network.hostSubnets())
                .instanceType(settings.instanceType())
                .minHosts(settings.minHosts())
                .maxHosts(settings.maxHosts())
                .logRetention(retention)
                .build());
        RegistryDomain domain = settings.hasDomain()
                ? new RegistryDomain(this, "Domain", RegistryDomain.Props.builder()
                        .domainName(settings.domainName())
                        .hostedZoneId(settings.hostedZoneId())
                        .hostedZoneName(settings.hostedZoneName())
                        .certificateArn(settings.certificateArn())
                        .build())
                : null;

        RegistryAccess access = new RegistryAccess(this, "Access", RegistryAccess.Props.builder()
                .settings(settings.access())
                .domainName(settings.domainName())
                .build());
        for (int i = 0; i < settings.access().warnings().size(); i++) {
            Annotations.of(access).addWarningV2("berth:access-" + i, settings.access().warnings().get(i));
        }

        // One scope for the task, the service and the load balancer: their resources' paths
        // (Registry/TaskRole, Registry/LoadBalancer, ...) give the logical ids of deployed stacks.
        Construct registry = new Construct(this, "Registry");
        RegistryTask task = new RegistryTask(registry, RegistryTask.Props.builder()
                .bucket(images.bucket())
                .access(access)
                .imageDirectory(imageDirectory.toString())
                .platform(hosts.imagePlatform())
                .logRetention(retention)
                .build());
        RegistryService service = new RegistryService(registry, RegistryService.Props.builder()
                .cluster(hosts.cluster())
                .capacityProvider(hosts.capacityProvider())
                .taskDefinition(task.taskDefinition())
                .desiredTasks(settings.desiredTasks())
                .maxTasks(maxTasks(settings))
                .cpuArchitecture(hosts.cpuArchitecture())
                .build());
        this.loadBalancer = new RegistryLoadBalancer(registry, RegistryLoadBalancer.Props.builder()
                .vpc(network.vpc())
                .subnets(network.loadBalancerSubnets())
                .hostSecurityGroup(hosts.securityGroup())
                .accessLogs(accessLogs.bucket())
                .allowedClientCidrs(settings.allowedClientCidrs())
                .certificate(domain == null ? null : domain.certificate())
                .target(service.loadBalancerTarget())
                .deletionProtection(settings.loadBalancerDeletionProtection())
                .build());
        if (domain != null) {
            domain.aliasTo(loadBalancer.loadBalancer());
        }
        RegistryMonitoring monitoring = new RegistryMonitoring(this, "Monitoring", RegistryMonitoring.Props.builder()
                .loadBalancer(loadBalancer.loadBalancer())
                .targetGroup(loadBalancer.targetGroup())
                .service(service.service())
                .registryLogs(task.logGroup())
                .memoryLimitMiB(RegistryTask.MEMORY_LIMIT_MIB)
                .memoryReservationMiB(RegistryTask.MEMORY_RESERVATION_MIB)
                .alarmEmail(settings.alarmEmail())
                .requestMetricsBucket(images.hasRequestMetrics() ? images.bucket() : null)
                .build());
        createOutputs(settings, images, access);
        StackWideAcknowledgements.apply(this);
        createOpsOutputs(hosts, service, monitoring);
    }

    /** What `aws ecs execute-command` and a subscription to the alarms need (README, Operations). */
    private void createOpsOutputs(EcsHosts hosts, RegistryService service, RegistryMonitoring monitoring) {
        CfnOutput.Builder.create(this, "ClusterName")
                .description("The ECS cluster (aws ecs execute-command --cluster ...)")
                .value(hosts.cluster().getClusterName())
                .build();
        CfnOutput.Builder.create(this, "ServiceName")
                .description("The registry's ECS service (aws ecs list-tasks --service-name ...)")
                .value(service.service().getServiceName())
                .build();
        CfnOutput.Builder.create(this, "AlarmTopicArn")
                .description("The SNS topic every alarm notifies (subscribe more than alarmEmail here)")
                .value(monitoring.topic().getTopicArn())
                .build();
    }

    public RegistryLoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** Room for two tasks per host at most hosts, never fewer than asked for. */
    static int maxTasks(Settings settings) {
        return Math.max(settings.desiredTasks(), SettingsChecks.TASKS_PER_HOST * settings.maxHosts());
    }

    private static void requireDockerfile(Path imageDirectory) {
        if (!Files.isRegularFile(imageDirectory.resolve("Dockerfile"))) {
            throw new IllegalStateException("No Dockerfile in " + imageDirectory
                    + ": the registry image is built from it (see registry-image/README.md).");
        }
    }

    private void createOutputs(Settings settings, ImageBucket images, RegistryAccess access) {
        String dnsName = loadBalancer.loadBalancer().getLoadBalancerDnsName();
        String host = settings.hasDomain() ? settings.domainName() : dnsName;
        String scheme = loadBalancer.https() ? "https://" : "http://";
        CfnOutput.Builder.create(this, "RegistryUrl")
                .description("Where the registry answers")
                .value(scheme + host)
                .build();
        CfnOutput.Builder.create(this, "LoadBalancerDnsName")
                .description(settings.hasDomain() && !settings.hasHostedZone()
                        ? "Point a DNS record (CNAME or alias) for " + settings.domainName() + " here"
                        : "The load balancer's own DNS name")
                .value(dnsName)
                .build();
        CfnOutput.Builder.create(this, "BucketName")
                .description("The S3 bucket holding every image (retained if the stack is deleted)")
                .value(images.bucket().getBucketName())
                .build();
        String admin = settings.access().firstAdmin().name();
        String secretArn = access.password(admin).getSecretArn();
        CfnOutput.Builder.create(this, "AdminPasswordSecretArn")
                .description("The Secrets Manager secret holding the password of registry user " + admin)
                .value(secretArn)
                .build();
        CfnOutput.Builder.create(this, "DockerLogin")
                .description("Log in as " + admin + " (needs the AWS CLI with secretsmanager:GetSecretValue on "
                        + "the secret)" + (loadBalancer.https() ? ""
                                : "; plain HTTP also needs the host in Docker's insecure-registries"))
                .value("aws secretsmanager get-secret-value --region " + getRegion() + " --secret-id " + secretArn
                        + " --query SecretString --output text | docker login --username " + admin
                        + " --password-stdin " + host)
                .build();
    }
}
