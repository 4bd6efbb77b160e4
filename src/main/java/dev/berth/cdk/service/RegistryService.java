package dev.berth.cdk.service;

import java.util.List;

import dev.berth.cdk.Required;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.ecs.AsgCapacityProvider;
import software.amazon.awscdk.services.ecs.BuiltInAttributes;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;
import software.amazon.awscdk.services.ecs.ICluster;
import software.amazon.awscdk.services.ecs.IEcsLoadBalancerTarget;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.PlacementConstraint;
import software.amazon.awscdk.services.ecs.PlacementStrategy;
import software.amazon.awscdk.services.ecs.ScalableTaskCount;
import software.constructs.Construct;

/**
 * The registry tasks running: the ECS service with circuit breaker, spread over zones and hosts,
 * and its CPU auto scaling. A part of the {@code Registry} scope, not a construct of its own, for
 * the reason given on {@link RegistryTask}.
 */
public final class RegistryService {

    /**
     * Made with {@link #builder()}.
     *
     * @param cluster          required
     * @param capacityProvider the cluster's capacity provider the service places tasks with; required
     * @param taskDefinition   the registry task ({@link RegistryTask}); required
     * @param desiredTasks     tasks normally running, and the auto-scaling floor; default 2
     * @param maxTasks         the auto-scaling ceiling; default desiredTasks (no scale-out)
     * @param cpuArchitecture  the {@code ecs.cpu-architecture} tasks must run on ({@code x86_64},
     *                         {@code arm64}): the image is built for one; default no constraint
     */
    public record Props(ICluster cluster, AsgCapacityProvider capacityProvider, Ec2TaskDefinition taskDefinition,
            Integer desiredTasks, Integer maxTasks, String cpuArchitecture) {
        private static final String NAME = "RegistryService.Props";

        public Props {
            Required.prop(cluster, NAME, "cluster");
            Required.prop(capacityProvider, NAME, "capacityProvider");
            Required.prop(taskDefinition, NAME, "taskDefinition");
            desiredTasks = desiredTasks != null ? desiredTasks : DEFAULT_DESIRED_TASKS;
            maxTasks = maxTasks != null ? maxTasks : desiredTasks;
            if (maxTasks < desiredTasks) {
                throw new IllegalStateException(NAME + ": maxTasks (" + maxTasks + ") is below desiredTasks ("
                        + desiredTasks + ")");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private ICluster cluster;
            private AsgCapacityProvider capacityProvider;
            private Ec2TaskDefinition taskDefinition;
            private Integer desiredTasks;
            private Integer maxTasks;
            private String cpuArchitecture;

            public Builder cluster(ICluster cluster) { this.cluster = cluster; return this; }
            public Builder capacityProvider(AsgCapacityProvider provider) { capacityProvider = provider; return this; }
            public Builder taskDefinition(Ec2TaskDefinition definition) { taskDefinition = definition; return this; }
            public Builder desiredTasks(int desiredTasks) { this.desiredTasks = desiredTasks; return this; }
            public Builder maxTasks(int maxTasks) { this.maxTasks = maxTasks; return this; }
            public Builder cpuArchitecture(String architecture) { cpuArchitecture = architecture; return this; }

            public Props build() {
                return new Props(cluster, capacityProvider, taskDefinition, desiredTasks, maxTasks, cpuArchitecture);
            }
        }
    }

    public static final int DEFAULT_DESIRED_TASKS = 2;

    private final Ec2Service service;

    /** @param scope the {@code Registry} scope the resources are made in */
    public RegistryService(Construct scope, Props props) {
        this.service = createService(scope, props);
        createAutoScaling(props);
    }

    public Ec2Service service() {
        return service;
    }

    /** The registry container's port on each task, for the load balancer's target group. */
    public IEcsLoadBalancerTarget loadBalancerTarget() {
        return service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
                .containerName(RegistryTask.CONTAINER_NAME)
                .containerPort(RegistryTask.CONTAINER_PORT)
                .build());
    }

    private static Ec2Service createService(Construct scope, Props props) {
        Ec2Service ec2Service = Ec2Service.Builder.create(scope, "Service")
                .cluster(props.cluster())
                .taskDefinition(props.taskDefinition())
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
                // `aws ecs execute-command` into a task (session logged by the cluster's settings).
                .enableExecuteCommand(true)
                .build();
        acknowledgeExecPermissions(props.taskDefinition());
        if (props.cpuArchitecture() != null) {
            // An arm64 image never lands on an x86 host (or back) while hosts of both kinds run
            // during a switch of instanceType: such tasks wait for a host of their kind.
            ec2Service.addPlacementConstraints(
                    PlacementConstraint.memberOf("attribute:ecs.cpu-architecture == " + props.cpuArchitecture()));
        }
        // The strategy names the capacity provider, which must be attached to the cluster first.
        ec2Service.getNode().addDependency(props.cluster());
        return ec2Service;
    }

    /** CDK writes ECS Exec's statements into the task role's default policy. */
    private static void acknowledgeExecPermissions(Ec2TaskDefinition definition) {
        NagSuppressions.addResourceSuppressions(definition.getTaskRole(), List.of(NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason("ECS Exec: the SSM agent's ssmmessages channel calls and logs:DescribeLogGroups have no "
                        + "resource-level permissions; session logs go to the streams (log-group:<name>:*) of the "
                        + "cluster's exec log group only.")
                .appliesTo(List.of("Resource::*", RegexAppliesTo.builder()
                        .regex("/^Resource::arn:.*:log-group:<HostsExecLogGroup[0-9A-F]+>:\\*$/g").build()))
                .build()), true);
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
