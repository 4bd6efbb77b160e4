package dev.berth.cdk.hosts;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.only;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Json;
import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Template;

class HostsTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Template arm = Scenarios.privateArmImported().template();

    private static Map<String, Object> launchTemplateData(Template template) {
        return map(at(onlyProps(template, "AWS::EC2::LaunchTemplate"), "LaunchTemplateData"));
    }

    /** The user data with its CloudFormation pieces joined, tokens written as {Ref:...}. */
    private static String userData(Template template) {
        Object join = at(launchTemplateData(template), "UserData", "Fn::Base64", "Fn::Join");
        StringBuilder text = new StringBuilder();
        for (Object part : list(list(join).get(1))) {
            text.append(part instanceof String s ? s : "{Ref:" + at(part, "Ref") + "}");
        }
        return text.toString();
    }

    @Test
    void userDataWritesTheClusterNameToTheEcsAgentConfig() {
        String cluster = only(defaults, "AWS::ECS::Cluster").getKey();
        String text = userData(defaults);
        assertTrue(text.contains("ECS_CLUSTER={Ref:" + cluster + "} >> /etc/ecs/ecs.config"), text);
    }

    @Test
    void launchTemplateRequiresImdsv2WithHopLimitOneAndEncryptedEbs() {
        Map<String, Object> data = launchTemplateData(defaults);
        assertEquals(Map.of("HttpTokens", "required", "HttpPutResponseHopLimit", 1), data.get("MetadataOptions"));
        List<Object> devices = list(data.get("BlockDeviceMappings"));
        assertEquals(1, devices.size());
        assertEquals(true, at(devices.get(0), "Ebs", "Encrypted"));
        assertEquals("gp3", at(devices.get(0), "Ebs", "VolumeType"));
        assertEquals("t3.small", data.get("InstanceType"));
    }

    @Test
    void hostsRunTheEcsOptimizedAmazonLinux2023Ami() {
        String param = String.valueOf(at(launchTemplateData(defaults), "ImageId", "Ref"));
        assertEquals("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
                defaults.toJSON().get("Parameters") instanceof Map<?, ?> p ? at(p.get(param), "Default") : null);
    }

    @Test
    void gravitonInstanceTypeGetsTheArmAmi() {
        String param = String.valueOf(at(launchTemplateData(arm), "ImageId", "Ref"));
        assertEquals("/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
                at(arm.toJSON().get("Parameters"), param, "Default"));
        assertEquals("t4g.small", launchTemplateData(arm).get("InstanceType"));
    }

    @Test
    void autoScalingGroupSizeComesFromSettings() {
        Map<String, Object> asg = onlyProps(defaults, "AWS::AutoScaling::AutoScalingGroup");
        assertEquals("2", asg.get("MinSize"));
        assertEquals("4", asg.get("MaxSize"));
        assertEquals(true, asg.get("NewInstancesProtectedFromScaleIn"));
        Map<String, Object> armAsg = onlyProps(arm, "AWS::AutoScaling::AutoScalingGroup");
        assertEquals("1", armAsg.get("MinSize"));
        assertEquals("3", armAsg.get("MaxSize"));
    }

    @Test
    void capacityProviderHasManagedScalingAndIsTheClustersOnlyProvider() {
        Map<String, Object> provider = map(at(onlyProps(defaults, "AWS::ECS::CapacityProvider"),
                "AutoScalingGroupProvider"));
        assertEquals("ENABLED", at(provider, "ManagedScaling", "Status"));
        assertEquals(100, ((Number) at(provider, "ManagedScaling", "TargetCapacity")).intValue());
        assertEquals("ENABLED", provider.get("ManagedTerminationProtection"));
        assertEquals("ENABLED", provider.get("ManagedDraining"));
        String providerId = only(defaults, "AWS::ECS::CapacityProvider").getKey();
        assertEquals(List.of(Map.of("Ref", providerId)),
                onlyProps(defaults, "AWS::ECS::ClusterCapacityProviderAssociations").get("CapacityProviders"));
    }

    @Test
    void serviceUsesTheCapacityProviderStrategyNotALaunchType() {
        String providerId = only(defaults, "AWS::ECS::CapacityProvider").getKey();
        Map<String, Object> service = onlyProps(defaults, "AWS::ECS::Service");
        assertNull(service.get("LaunchType"));
        assertEquals(List.of(Map.of("CapacityProvider", Map.of("Ref", providerId), "Weight", 1)),
                service.get("CapacityProviderStrategy"));
        // The provider must be attached to the cluster before the service names it.
        String association = only(defaults, "AWS::ECS::ClusterCapacityProviderAssociations").getKey();
        assertTrue(list(only(defaults, "AWS::ECS::Service").getValue() instanceof Map<?, ?> m
                ? m.get("DependsOn") : null).contains(association));
    }

    @Test
    void clusterHasContainerInsights() {
        assertEquals(List.of(Map.of("Name", "containerInsights", "Value", "enabled")),
                onlyProps(defaults, "AWS::ECS::Cluster").get("ClusterSettings"));
    }

    @Test
    void noDrainHookLambdaOrTopicIsCreated() {
        // The one function is CDK's provider that closes the VPC's default security group.
        Map<String, Map<String, Object>> functions = defaults.findResources("AWS::Lambda::Function");
        assertEquals(1, functions.size(), functions.keySet().toString());
        assertTrue(functions.keySet().iterator().next().startsWith("CustomVpcRestrictDefaultSGCustomResourceProvider"));
        defaults.resourceCountIs("AWS::SNS::Topic", 0);
        defaults.resourceCountIs("AWS::AutoScaling::LifecycleHook", 0);
        assertEquals(List.of("Custom::VpcRestrictDefaultSG"), Json.map(defaults.toJSON().get("Resources")).values()
                .stream().map(r -> String.valueOf(Json.at(r, "Type"))).filter(t -> t.startsWith("Custom::")).toList());
    }
}
