package dev.berth.cdk.hosts;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The hosts' role carries the ECS agent's own calls only: image pulls and container logs go
 * through the task's execution role, so no ECR or CloudWatch Logs action on "*" is left here.
 */
class InstanceRoleTest {

    private final Template defaults = Scenarios.defaults().template();

    private List<Object> instanceRoleStatements() {
        Map<String, Map<String, Object>> roles = defaults.findResources("AWS::IAM::Role", Map.of("Properties",
                Map.of("AssumeRolePolicyDocument", Map.of("Statement", List.of(
                        Match.objectLike(Map.of("Principal", Map.of("Service", "ec2.amazonaws.com"))))))));
        assertEquals(1, roles.size(), roles.keySet().toString());
        String role = roles.keySet().iterator().next();
        List<Object> statements = new ArrayList<>();
        defaults.findResources("AWS::IAM::Policy", Map.of("Properties",
                Map.of("Roles", Match.arrayWith(List.of(Map.of("Ref", role)))))).values()
                .forEach(p -> statements.addAll(list(at(p, "Properties", "PolicyDocument", "Statement"))));
        assertEquals(null, at(roles.get(role), "Properties", "Policies"));
        return statements;
    }

    private static List<String> actions(Object statement) {
        Object a = at(statement, "Action");
        return a instanceof String s ? List.of(s) : list(a).stream().map(String::valueOf).toList();
    }

    @Test
    void onlyTheEcsAgentsActionsNoEcrOrLogs() {
        List<String> all = new ArrayList<>();
        instanceRoleStatements().forEach(s -> all.addAll(actions(s)));
        assertEquals(List.of("ecs:DeregisterContainerInstance", "ecs:RegisterContainerInstance", "ecs:Submit*",
                "ecs:Poll", "ecs:StartTelemetrySession", "ecs:DiscoverPollEndpoint"), all);
    }

    @Test
    void registrationIsScopedToTheClusterAndPollingByCondition() {
        Map<String, Object> clusterArn = Map.of("Fn::GetAtt", List.of(
                defaults.findResources("AWS::ECS::Cluster").keySet().iterator().next(), "Arn"));
        for (Object s : instanceRoleStatements()) {
            List<String> actions = actions(s);
            if (actions.contains("ecs:Submit*")) {
                assertEquals(clusterArn, at(s, "Resource"));
            } else if (actions.contains("ecs:Poll")) {
                assertEquals(Map.of("ArnEquals", Map.of("ecs:cluster", clusterArn)), at(s, "Condition"));
            } else {
                assertEquals(List.of("ecs:DiscoverPollEndpoint"), actions, "no resource-level permission exists");
            }
        }
    }

    @Test
    void theExecutionRoleIsWhatPullsTheImageAndWritesTheLogs() {
        Map<String, Object> definition = defaults.findResources("AWS::ECS::TaskDefinition").values().iterator().next();
        Object executionRole = at(definition, "Properties", "ExecutionRoleArn");
        assertTrue(executionRole instanceof Map<?, ?>, String.valueOf(executionRole));
        String role = String.valueOf(list(((Map<?, ?>) executionRole).get("Fn::GetAtt")).get(0));
        List<String> granted = new ArrayList<>();
        defaults.findResources("AWS::IAM::Policy", Map.of("Properties",
                Map.of("Roles", Match.arrayWith(List.of(Map.of("Ref", role)))))).values()
                .forEach(p -> list(at(p, "Properties", "PolicyDocument", "Statement"))
                        .forEach(s -> granted.addAll(actions(s))));
        assertTrue(granted.containsAll(List.of("ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                "logs:CreateLogStream", "logs:PutLogEvents")), granted.toString());
    }
}
