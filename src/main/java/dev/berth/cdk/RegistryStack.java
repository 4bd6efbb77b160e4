package dev.berth.cdk;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.berth.cdk.dns.RegistryDomain;
import dev.berth.cdk.hosts.EcsHosts;
import dev.berth.cdk.network.RegistryNetwork;
import dev.berth.cdk.service.RegistryService;
import dev.berth.cdk.storage.AccessLogBucket;
import dev.berth.cdk.storage.ImageBucket;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.InstanceArchitecture;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** The whole private registry: wires the constructs together, owns no logic of its own. */
public class RegistryStack extends Stack {

    public static final String STACK_NAME = "BerthRegistry";

    private final RegistryService registry;

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
                .build());
        EcsHosts hosts = new EcsHosts(this, "Hosts", EcsHosts.Props.builder()
                .vpc(network.vpc())
                .subnets(network.hostSubnets())
                .instanceType(settings.instanceType())
                .minHosts(settings.minHosts())
                .maxHosts(settings.maxHosts())
                .build());
        RegistryDomain domain = settings.hasDomain()
                ? new RegistryDomain(this, "Domain", RegistryDomain.Props.builder()
                        .domainName(settings.domainName())
                        .hostedZoneId(settings.hostedZoneId())
                        .hostedZoneName(settings.hostedZoneName())
                        .certificateArn(settings.certificateArn())
                        .build())
                : null;

        this.registry = new RegistryService(this, "Registry", RegistryService.Props.builder()
                .vpc(network.vpc())
                .loadBalancerSubnets(network.loadBalancerSubnets())
                .cluster(hosts.cluster())
                .capacityProvider(hosts.capacityProvider())
                .hostSecurityGroup(hosts.securityGroup())
                .bucket(images.bucket())
                .accessLogs(accessLogs.bucket())
                .imageDirectory(imageDirectory.toString())
                .platform(platformFor(settings.instanceType()))
                .desiredTasks(settings.desiredTasks())
                .maxTasks(maxTasks(settings))
                .logRetention(retention)
                .allowedClientCidrs(settings.allowedClientCidrs())
                .certificate(domain == null ? null : domain.certificate())
                .build());
        if (domain != null) {
            domain.aliasTo(registry.loadBalancer());
        }
        createOutputs(settings, images);
    }

    public RegistryService registry() {
        return registry;
    }

    /** Room for two tasks per host at most hosts, never fewer than asked for. */
    static int maxTasks(Settings settings) {
        return Math.max(settings.desiredTasks(), 2 * settings.maxHosts());
    }

    /** Build the image for the hosts' CPU, whatever the deployer's machine is. */
    static Platform platformFor(String instanceType) {
        return new InstanceType(instanceType).getArchitecture() == InstanceArchitecture.ARM_64
                ? Platform.LINUX_ARM64
                : Platform.LINUX_AMD64;
    }

    private static void requireDockerfile(Path imageDirectory) {
        if (!Files.isRegularFile(imageDirectory.resolve("Dockerfile"))) {
            throw new IllegalStateException("No Dockerfile in " + imageDirectory
                    + ": the registry image is built from it (see registry-image/README.md).");
        }
    }

    private void createOutputs(Settings settings, ImageBucket images) {
        String host = settings.hasDomain() ? settings.domainName() : registry.loadBalancer().getLoadBalancerDnsName();
        String scheme = registry.https() ? "https://" : "http://";
        CfnOutput.Builder.create(this, "RegistryUrl")
                .description("Where the registry answers")
                .value(scheme + host)
                .build();
        CfnOutput.Builder.create(this, "LoadBalancerDnsName")
                .description(settings.hasDomain() && !settings.hasHostedZone()
                        ? "Point a DNS record (CNAME or alias) for " + settings.domainName() + " here"
                        : "The load balancer's own DNS name")
                .value(registry.loadBalancer().getLoadBalancerDnsName())
                .build();
        CfnOutput.Builder.create(this, "BucketName")
                .description("The S3 bucket holding every image (retained if the stack is deleted)")
                .value(images.bucket().getBucketName())
                .build();
        CfnOutput.Builder.create(this, "DockerLoginHint")
                .description(registry.https()
                        ? "How clients log in"
                        : "How clients log in; plain HTTP also needs the host in Docker's insecure-registries")
                .value("docker login " + host)
                .build();
    }
}
