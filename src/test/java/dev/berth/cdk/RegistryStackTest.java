package dev.berth.cdk;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.only;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** What the stack itself adds: its outputs. */
class RegistryStackTest {

    private final Template defaults = Scenarios.defaults().template();

    @Test
    void outputsGiveUrlLoadBalancerBucketAndACopyPasteLoginAsTheAdmin() {
        Map<String, Object> outputs = map(defaults.toJSON().get("Outputs"));
        assertEquals(List.of("AdminPasswordSecretArn", "AlarmTopicArn", "BucketName", "ClusterName", "DockerLogin",
                "LoadBalancerDnsName", "RegistryUrl", "ServiceName"), outputs.keySet().stream().sorted().toList());
        assertEquals("The load balancer's own DNS name", at(outputs, "LoadBalancerDnsName", "Description"));

        Map<String, Map<String, Object>> admin = defaults.findResources("AWS::SecretsManager::Secret", Map.of(
                "Properties", Match.objectLike(Map.of("Description", "Berth registry: password of user admin"))));
        assertEquals(1, admin.size());
        Map<String, Object> adminArn = Map.of("Ref", admin.keySet().iterator().next());
        assertEquals(adminArn, at(outputs, "AdminPasswordSecretArn", "Value"));
        String alb = only(defaults, "AWS::ElasticLoadBalancingV2::LoadBalancer").getKey();
        assertEquals(Map.of("Fn::Join", List.of("", List.of(
                "aws secretsmanager get-secret-value --region us-east-1 --secret-id ", adminArn,
                " --query SecretString --output text | docker login --username admin --password-stdin ",
                Map.of("Fn::GetAtt", List.of(alb, "DNSName"))))), at(outputs, "DockerLogin", "Value"));
        assertEquals("Log in as admin (needs the AWS CLI with secretsmanager:GetSecretValue on the secret); "
                + "plain HTTP also needs the host in Docker's insecure-registries",
                at(outputs, "DockerLogin", "Description"));
    }

    /** What the README's "how to get into a task" and alarm subscription commands read. */
    @Test
    void outputsNameTheClusterTheServiceAndTheAlarmTopic() {
        Map<String, Object> outputs = map(defaults.toJSON().get("Outputs"));
        assertEquals(Map.of("Ref", only(defaults, "AWS::ECS::Cluster").getKey()), at(outputs, "ClusterName", "Value"));
        assertEquals(Map.of("Fn::GetAtt", List.of(only(defaults, "AWS::ECS::Service").getKey(), "Name")),
                at(outputs, "ServiceName", "Value"));
        assertEquals(Map.of("Ref", only(defaults, "AWS::SNS::Topic").getKey()), at(outputs, "AlarmTopicArn", "Value"));
    }
}
