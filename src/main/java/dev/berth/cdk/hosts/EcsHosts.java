package dev.berth.cdk.hosts;

import java.util.List;
import java.util.Map;

import dev.berth.cdk.Required;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.autoscaling.AutoScalingGroup;
import software.amazon.awscdk.services.autoscaling.RollingUpdateOptions;
import software.amazon.awscdk.services.autoscaling.UpdatePolicy;
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
import software.amazon.awscdk.services.ecs.ExecuteCommandConfiguration;
import software.amazon.awscdk.services.ecs.ExecuteCommandLogConfiguration;
import software.amazon.awscdk.services.ecs.ExecuteCommandLogging;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The ECS cluster and the EC2 hosts it runs on: a launch template (ECS-optimized Amazon Linux
 * 2023, IMDSv2 only with hop limit 1 so containers cannot reach the host role, encrypted EBS,
 * Session Manager instead of SSH), an Auto Scaling group that rolls its hosts when the template
 * changes, and a capacity provider with managed scaling that grows and shrinks the group with
 * the tasks placed on it. The cluster's own log groups (ECS Exec sessions, Container Insights)
 * are the stack's, so they are kept only as long as the retention setting says.
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
     * @param logRetention how long the cluster's own logs (ECS Exec sessions, Container
     *                     Insights) are kept; default one month
     */
    public record Props(IVpc vpc, SubnetSelection subnets, String instanceType, Integer minHosts, Integer maxHosts,
            RetentionDays logRetention) {
        private static final String NAME = "EcsHosts.Props";

        public Props {
            Required.prop(vpc, NAME, "vpc");
            Required.prop(subnets, NAME, "subnets");
            Required.prop(instanceType, NAME, "instanceType");
            Required.prop(minHosts, NAME, "minHosts");
            Required.prop(maxHosts, NAME, "maxHosts");
            logRetention = logRetention != null ? logRetention : RetentionDays.ONE_MONTH;
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
            private RetentionDays logRetention;

            public Builder vpc(IVpc vpc) { this.vpc = vpc; return this; }
            public Builder subnets(SubnetSelection subnets) { this.subnets = subnets; return this; }
            public Builder instanceType(String instanceType) { this.instanceType = instanceType; return this; }
            public Builder minHosts(int minHosts) { this.minHosts = minHosts; return this; }
            public Builder maxHosts(int maxHosts) { this.maxHosts = maxHosts; return this; }
            public Builder logRetention(RetentionDays retention) { this.logRetention = retention; return this; }

            public Props build() {
                return new Props(vpc, subnets, instanceType, minHosts, maxHosts, logRetention);
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
    private final LogGroup execLogGroup;

    public EcsHosts(Construct scope, String id, Props props) {
        super(scope, id);
        this.instanceType = new InstanceType(props.instanceType());
        this.arm = instanceType.getArchitecture() == InstanceArchitecture.ARM_64;
        this.execLogGroup = LogGroup.Builder.create(this, "ExecLogGroup").retention(props.logRetention()).build();
        this.cluster = Cluster.Builder.create(this, "Cluster")
                .vpc(props.vpc())
                .containerInsightsV2(ContainerInsights.ENABLED)
                // ECS Exec sessions (commands and their output) go to a log group of this stack.
                .executeCommandConfiguration(ExecuteCommandConfiguration.builder()
                        .logging(ExecuteCommandLogging.OVERRIDE)
                        .logConfiguration(ExecuteCommandLogConfiguration.builder()
                                .cloudWatchLogGroup(execLogGroup)
                                .build())
                        .build())
                .build();
        this.securityGroup = SecurityGroup.Builder.create(this, "SecurityGroup")
                .vpc(props.vpc())
                .description("Berth ECS hosts: inbound only from the load balancer")
                .allowAllOutbound(true)
                .build();
        LaunchTemplate launchTemplate = createLaunchTemplate();
        allowSessionManager(instanceRole);
        AutoScalingGroup group = createAutoScalingGroup(props, launchTemplate);
        group.getNode().addDependency(createContainerInsightsLogGroup(props.logRetention()));
        this.capacityProvider = AsgCapacityProvider.Builder.create(this, "CapacityProvider")
                .autoScalingGroup(group)
                .enableManagedScaling(true)
                .targetCapacityPercent(100)
                // ECS moves tasks off a host before it goes, so CDK's legacy drain hook (a
                // Lambda, an SNS topic) is not made.
                .enableManagedDraining(true)
                // Off, so `cdk destroy` (and a rolling host update) can terminate hosts: with it on,
                // hosts are scale-in protected and deleting the group waits forever (aws-cdk#18179).
                // Managed draining still moves tasks off a host before it is terminated.
                .enableManagedTerminationProtection(false)
                .build();
        // Writes "echo ECS_CLUSTER=<cluster> >> /etc/ecs/ecs.config" into the user data.
        cluster.addAsgCapacityProvider(capacityProvider);
        grantAgentActions();
    }

    public ICluster cluster() {
        return cluster;
    }

    /** Where ECS Exec writes each session's commands and output. */
    public ILogGroup execLogGroup() {
        return execLogGroup;
    }

    public ISecurityGroup securityGroup() {
        return securityGroup;
    }

    public AsgCapacityProvider capacityProvider() {
        return capacityProvider;
    }

    /** The hosts' CPU as ECS names it in the {@code ecs.cpu-architecture} attribute. */
    public String cpuArchitecture() {
        return arm ? "arm64" : "x86_64";
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
     * The log group Container Insights writes the cluster's performance events to, made by the
     * stack so it has the retention setting (ECS would otherwise create it, kept forever). ECS
     * names it after the cluster; the hosts wait for it, so no event can create it first.
     */
    private LogGroup createContainerInsightsLogGroup(RetentionDays retention) {
        return LogGroup.Builder.create(this, "ContainerInsightsLogGroup")
                .logGroupName("/aws/ecs/containerinsights/" + cluster.getClusterName() + "/performance")
                .retention(retention)
                .build();
    }

    /** Session Manager onto the hosts: no SSH, no key pair, no open port. */
    private static void allowSessionManager(IRole role) {
        role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName(SESSION_MANAGER_POLICY));
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("AmazonSSMManagedInstanceCore is the SSM agent's policy for Session Manager, kept "
                        + "current by AWS as the agent changes; its ssm/ssmmessages/ec2messages calls have no "
                        + "resource-level permissions to scope.")
                .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/" + SESSION_MANAGER_POLICY))
                .build()));
    }

    public static final String SESSION_MANAGER_POLICY = "AmazonSSMManagedInstanceCore";

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

    /**
     * A changed launch template (new AMI, instance type) replaces the hosts one at a time,
     * keeping minHosts in service (CloudFormation launches a new host before it terminates an
     * old one; it must stay below maxHosts, hence the cap). Each termination waits for managed
     * draining to move the host's tasks; the pause lets a new host join the cluster first.
     */
    static UpdatePolicy rollingUpdate(Props props) {
        return UpdatePolicy.rollingUpdate(RollingUpdateOptions.builder()
                .maxBatchSize(1)
                .minInstancesInService(minInstancesInService(props.minHosts(), props.maxHosts()))
                .pauseTime(Duration.minutes(ROLLING_PAUSE_MINUTES))
                .build());
    }

    static final int ROLLING_PAUSE_MINUTES = 3;

    /** CloudFormation requires MinInstancesInService below the group's MaxSize. */
    static int minInstancesInService(int minHosts, int maxHosts) {
        return Math.min(minHosts, maxHosts - 1);
    }

    private AutoScalingGroup createAutoScalingGroup(Props props, LaunchTemplate launchTemplate) {
        AutoScalingGroup group = AutoScalingGroup.Builder.create(this, "Group")
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .launchTemplate(launchTemplate)
                .minCapacity(props.minHosts())
                .maxCapacity(props.maxHosts())
                .updatePolicy(rollingUpdate(props))
                .build();
        NagSuppressions.addResourceSuppressions(group, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-AS3")
                .reason("Scaling is driven by the ECS capacity provider; its events are in "
                        + "the ECS service events and CloudWatch, no SNS notifications wanted.")
                .build()));
        return group;
    }
}
