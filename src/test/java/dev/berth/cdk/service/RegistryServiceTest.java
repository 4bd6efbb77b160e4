package dev.berth.cdk.service;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Template;

/** The ECS service: task count, placement, circuit breaker and CPU scaling. */
class RegistryServiceTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Template custom = Scenarios.privateArmImported().template();

    @Test
    void serviceRunsTwoTasksAcrossAzsWithCircuitBreakerRollback() {
        Map<String, Object> service = onlyProps(defaults, "AWS::ECS::Service");
        assertEquals(2, service.get("DesiredCount"));
        assertEquals(Map.of("Enable", true, "Rollback", true),
                at(service, "DeploymentConfiguration", "DeploymentCircuitBreaker"));
        assertEquals(Map.of("Type", "spread", "Field", "attribute:ecs.availability-zone"),
                list(service.get("PlacementStrategies")).get(0));
        assertEquals(3, onlyProps(custom, "AWS::ECS::Service").get("DesiredCount"));
    }

    @Test
    void serviceScalesOnCpu() {
        Map<String, Object> target = onlyProps(defaults, "AWS::ApplicationAutoScaling::ScalableTarget");
        assertEquals(2, target.get("MinCapacity"));
        assertEquals(8, target.get("MaxCapacity"));
        assertEquals("ecs:service:DesiredCount", target.get("ScalableDimension"));
        Map<String, Object> policy = onlyProps(defaults, "AWS::ApplicationAutoScaling::ScalingPolicy");
        assertEquals("TargetTrackingScaling", policy.get("PolicyType"));
        assertEquals("ECSServiceAverageCPUUtilization", at(policy, "TargetTrackingScalingPolicyConfiguration",
                "PredefinedMetricSpecification", "PredefinedMetricType"));
    }

    /** Tasks run only on hosts of their image's CPU, so switching x86 <-> Graviton rolls safely. */
    @Test
    void tasksAreConstrainedToTheHostsCpuArchitecture() {
        assertEquals(List.of(Map.of("Type", "memberOf", "Expression", "attribute:ecs.cpu-architecture == x86_64")),
                onlyProps(defaults, "AWS::ECS::Service").get("PlacementConstraints"));
        assertEquals(List.of(Map.of("Type", "memberOf", "Expression", "attribute:ecs.cpu-architecture == arm64")),
                onlyProps(custom, "AWS::ECS::Service").get("PlacementConstraints"));
    }

    /** ECS Exec: the service allows it; the task role may open the SSM channels and write the session log. */
    @Test
    void execIntoATaskIsEnabledWithTheTaskRolePermissionsItNeeds() {
        assertEquals(true, onlyProps(defaults, "AWS::ECS::Service").get("EnableExecuteCommand"));
        String taskRole = String.valueOf(list(at(onlyProps(defaults, "AWS::ECS::TaskDefinition"), "TaskRoleArn",
                "Fn::GetAtt")).get(0));
        String execLogGroup = defaults.findResources("AWS::Logs::LogGroup").keySet().stream()
                .filter(id -> id.startsWith("HostsExecLogGroup")).findFirst().orElseThrow();
        List<Object> statements = new java.util.ArrayList<>();
        for (Object policy : defaults.findResources("AWS::IAM::Policy").values()) {
            if (list(at(policy, "Properties", "Roles")).contains(Map.of("Ref", taskRole))) {
                statements.addAll(list(at(policy, "Properties", "PolicyDocument", "Statement")));
            }
        }
        // Exactly: the SSM channels (and finding log groups) anywhere, writing only the exec log group.
        assertEquals(List.of(
                Map.of("Effect", "Allow", "Resource", "*", "Action", List.of("logs:DescribeLogGroups",
                        "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel")),
                Map.of("Effect", "Allow", "Action", List.of("logs:CreateLogStream", "logs:DescribeLogStreams",
                        "logs:PutLogEvents"), "Resource", Map.of("Fn::Join", List.of("", List.of(
                                "arn:aws:logs:us-east-1:", Map.of("Ref", "AWS::AccountId"), ":log-group:",
                                Map.of("Ref", execLogGroup), ":*"))))), statements);
    }
}
