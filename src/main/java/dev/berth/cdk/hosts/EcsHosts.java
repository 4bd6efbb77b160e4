package dev.berth.cdk.hosts;

import java.util.List;
import java.util.Map;

import dev.berth.cdk.Required;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InstanceArchitecture;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.LaunchTemplate;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AmiHardwareType;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.EcsOptimizedImage;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The ECS cluster and the EC2 hosts it runs on: a launch template (ECS-optimized Amazon Linux
 * 2023, IMDSv2 only with hop limit 1 so containers cannot reach the host role, encrypted EBS),
 * an Auto Scaling group, and a capacity provider with managed scaling that grows and shrinks
 * the group with the tasks placed on it.
 */
public class EcsHosts extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param vpc          required
     * @param subnets      where the hosts live; required
     * @param instanceType EC2 instance type, e.g. {@code t3.small}; its architecture picks the AMI
     *                     and the image platform; required
     * @param minHosts     required
     * @param maxHosts     required
     */
    public record Props(IVpc vpc, SubnetSelection subnets, String instanceType, Integer minHosts, Integer maxHosts) {
        private static final String NAME = "EcsHosts.Props";

        public Props {
            Required.prop(vpc, NAME, "vpc");
            Required.prop(subnets, NAME, "subnets");
            Required.prop(instanceType, NAME, "instanceType");
            Required.prop(minHosts, NAME, "minHosts");
            Required.prop(maxHosts, NAME, "maxHosts");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private IVpc vpc;
            private SubnetSelection subnets;
            private String instanceType;
            private Integer minHosts;
            private Integer maxHosts;

            public Builder vpc(IVpc vpc) { this.vpc = vpc; return this; }
            public Builder subnets(SubnetSelection subnets) { this.subnets = subnets; return this; }
            public Builder instanceType(String instanceType) { this.instanceType = instanceType; return this; }
            public Builder minHosts(int minHosts) { this.minHosts = minHosts; return this; }
            public Builder maxHosts(int maxHosts) { this.maxHosts = maxHosts; return this; }

            public Props build() {
                return new Props(vpc, subnets, instanceType, minHosts, maxHosts);
            }
        }
    }

    /** The ECS-optimized AL2023 AMI's root device; 30 GiB is its default size. */
    static final String ROOT_DEVICE = "/dev/xvda";
    static final int ROOT_VOLUME_GIB = 30;

    private final InstanceType instanceType;
    private final boolean arm;
    private final Cluster cluster;
    private Role instanceRole;
    private final SecurityGroup securityGroup;
    private final AsgCapacityProvider capacityProvider;

    public EcsHosts(Construct scope, String id, Props props) {
        super(scope, id);
        this.instanceType = new InstanceType(props.instanceType());
        this.arm = instanceType.getArchitecture() == InstanceArchitecture.ARM_64;
        this.cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(props.vpc())
                .containerInsightsV2(ContainerInsights.ENABLED)
                .build();
        this.securityGroup = SecurityGroup.Builder.create(this, "SecurityGroup")
                .vpc(props.vpc())
                .description("Berth ECS hosts: inbound only from the load balancer")
                .allowAllOutbound(true)
                .build();
        LaunchTemplate launchTemplate = createLaunchTemplate();
        AutoScalingGroup group = createAutoScalingGroup(props, launchTemplate);
        this.capacityProvider = AsgCapacityProvider.Builder.create(this, "CapacityProvider")
                .autoScalingGroup(group)
                .enableManagedScaling(true)
                .targetCapacityPercent(100)
                // ECS moves tasks off a host before it goes, and will not scale in a host
                // that runs tasks; so CDK's legacy drain hook (a Lambda, an SNS topic) is not made.
                .enableManagedDraining(true)
                .enableManagedTerminationProtection(true)
                .build();
        // Writes "echo ECS_CLUSTER=<cluster> >> /etc/ecs/ecs.config" into the user data.
        cluster.addAsgCapacityProvider(capacityProvider);
        grantAgentActions();
    }

    public ICluster cluster() {
        return cluster;
    }

    public ISecurityGroup securityGroup() {
        return securityGroup;
    }

    public AsgCapacityProvider capacityProvider() {
        return capacityProvider;
    }

    /** The hosts' CPU, for building the registry image whatever the deployer's machine is. */
    public Platform imagePlatform() {
        return arm ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
    }

    private LaunchTemplate createLaunchTemplate() {
        AmiHardwareType hardware = arm ? AmiHardwareType.ARM : AmiHardwareType.STANDARD;
        this.instanceRole = Role.Builder.create(this, "InstanceRole")
                .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
                .description("Berth ECS hosts: the ECS agent's own calls only (see grantAgentActions)")
                .build();
        return LaunchTemplate.Builder.create(this, "LaunchTemplate")
                .machineImage(EcsOptimizedImage.amazonLinux2023(hardware))
                .instanceType(instanceType)
                .userData(UserData.forLinux())
                // CDK's cluster would add ecr:GetAuthorizationToken and logs:* on "*" to this view;
                // it takes none, and grantAgentActions writes what the agent uses. Whatever else
                // the hosts need goes on instanceRole itself: this view drops it silently.
                .role(instanceRole.withoutPolicyUpdates())
                .securityGroup(securityGroup)
                .requireImdsv2(true)
                // One hop: a container behind the docker bridge is a second hop, so it cannot
                // reach the instance metadata service and the host role.
                .httpPutResponseHopLimit(1)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName(ROOT_DEVICE)
                        .volume(BlockDeviceVolume.ebs(ROOT_VOLUME_GIB, EbsDeviceOptions.builder()
                                .encrypted(true)
                                .volumeType(EbsDeviceVolumeType.GP3)
                                .deleteOnTermination(true)
                                .build()))
                        .build()))
                .build();
    }

    /**
     * What the ECS agent calls with the host's credentials: registering the host in this cluster,
     * its state changes, and the polling and telemetry sessions (those two limited to this cluster
     * by condition). Not ECR or CloudWatch Logs: the task definition has an execution role, and
     * the agent pulls the image and (ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE, on by default in
     * the ECS-optimized AMI) ships the awslogs driver's logs with that role's credentials.
     */
    private void grantAgentActions() {
        instanceRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:DeregisterContainerInstance", "ecs:RegisterContainerInstance", "ecs:Submit*"))
                .resources(List.of(cluster.getClusterArn()))
                .build());
        instanceRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:Poll", "ecs:StartTelemetrySession"))
                .resources(List.of("*"))
                .conditions(Map.of("ArnEquals", Map.of("ecs:cluster", cluster.getClusterArn())))
                .build());
        instanceRole.addToPolicy(PolicyStatement.Builder.create()
                .actions(List.of("ecs:DiscoverPollEndpoint"))
                .resources(List.of("*"))
                .build());
        NagSuppressions.addResourceSuppressions(instanceRole, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("The ECS agent's ecs:DiscoverPollEndpoint has no resource-level permissions; ecs:Poll and "
                        + "ecs:StartTelemetrySession are on * with an ecs:cluster condition naming this cluster; "
                        + "ecs:Submit* (the agent's task and container state changes) is scoped to this cluster.")
                .appliesTo(List.of("Action::ecs:Submit*", "Resource::*"))
                .build()), true);
    }

    private AutoScalingGroup createAutoScalingGroup(Props props, LaunchTemplate launchTemplate) {
        AutoScalingGroup group = AutoScalingGroup.Builder.create(this, "Group")
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .launchTemplate(launchTemplate)
                .minCapacity(props.minHosts())
                .maxCapacity(props.maxHosts())
                .build();
        NagSuppressions.addResourceSuppressions(group, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-AS3")
                .reason("Scaling is driven by the ECS capacity provider; its events are in "
                        + "the ECS service events and CloudWatch, no SNS notifications wanted.")
                .build()));
        return group;
    }
}
