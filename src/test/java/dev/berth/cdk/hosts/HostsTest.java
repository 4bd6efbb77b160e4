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
        // The only topic is the alarms' (RegistryMonitoringTest), not a drain hook's.
        defaults.resourceCountIs("AWS::SNS::Topic", 1);
        assertTrue(only(defaults, "AWS::SNS::Topic").getKey().startsWith("MonitoringAlarmsTopic"));
        defaults.resourceCountIs("AWS::AutoScaling::LifecycleHook", 0);
        assertEquals(List.of("Custom::VpcRestrictDefaultSG"), Json.map(defaults.toJSON().get("Resources")).values()
                .stream().map(r -> String.valueOf(Json.at(r, "Type"))).filter(t -> t.startsWith("Custom::")).toList());
    }

    /**
     * aws-cdk#18179: with managed termination protection the hosts are scale-in protected and
     * deleting the group never finishes. Off, and no host is protected, so `cdk destroy` works;
     * managed draining (asserted above) still moves tasks off a host before it goes.
     */
    @Test
    void hostsAreNotScaleInProtectedSoTheStackCanBeDestroyed() {
        for (Template template : List.of(defaults, arm)) {
            Map<String, Object> provider = map(at(onlyProps(template, "AWS::ECS::CapacityProvider"),
                    "AutoScalingGroupProvider"));
            assertEquals("DISABLED", provider.get("ManagedTerminationProtection"));
            Object protectedHosts = onlyProps(template, "AWS::AutoScaling::AutoScalingGroup")
                    .get("NewInstancesProtectedFromScaleIn");
            assertTrue(protectedHosts == null || Boolean.FALSE.equals(protectedHosts), String.valueOf(protectedHosts));
        }
    }

    /** A new launch template version (AMI, instance type) replaces hosts one by one, minHosts kept. */
    @Test
    void aChangedLaunchTemplateRollsTheHostsOneAtATimeKeepingMinHostsInService() {
        Map<String, Object> group = map(only(defaults, "AWS::AutoScaling::AutoScalingGroup").getValue());
        Map<String, Object> rolling = map(at(group, "UpdatePolicy", "AutoScalingRollingUpdate"));
        assertEquals(1, rolling.get("MaxBatchSize"));
        assertEquals(2, rolling.get("MinInstancesInService"));
        assertEquals("PT3M", rolling.get("PauseTime"));
        assertTrue(list(rolling.get("SuspendProcesses")).containsAll(
                List.of("HealthCheck", "ReplaceUnhealthy", "AZRebalance", "AlarmNotification")), rolling.toString());
        // The group follows the template's latest version, so a new version is a change of the group.
        assertEquals(Map.of("Fn::GetAtt", List.of(only(defaults, "AWS::EC2::LaunchTemplate").getKey(),
                "LatestVersionNumber")), at(group, "Properties", "LaunchTemplate", "Version"));
        // minHosts=1, maxHosts=3: one host stays.
        assertEquals(1, at(only(arm, "AWS::AutoScaling::AutoScalingGroup").getValue(), "UpdatePolicy",
                "AutoScalingRollingUpdate", "MinInstancesInService"));
    }

    /** CloudFormation refuses MinInstancesInService equal to MaxSize. */
    @Test
    void minInstancesInServiceStaysBelowMaxHosts() {
        assertEquals(2, EcsHosts.minInstancesInService(2, 4));
        assertEquals(1, EcsHosts.minInstancesInService(2, 2));
        assertEquals(0, EcsHosts.minInstancesInService(1, 1));
    }

    /** Session Manager onto the hosts through the SSM agent's managed policy on the instance role. */
    @Test
    void hostsCanBeReachedWithSessionManager() {
        Object profileRoles = onlyProps(defaults, "AWS::IAM::InstanceProfile").get("Roles");
        String roleId = String.valueOf(at(list(profileRoles).get(0), "Ref"));
        Object arns = at(defaults.toJSON().get("Resources"), roleId, "Properties", "ManagedPolicyArns");
        assertEquals(List.of(Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                ":iam::aws:policy/AmazonSSMManagedInstanceCore")))), arns);
    }

    /** ECS Exec sessions are logged to a log group of the stack, kept logRetentionDays. */
    @Test
    void execSessionsAreLoggedToTheStacksLogGroupWithTheRetentionSetting() {
        for (Template template : List.of(defaults, arm)) {
            Map<String, Object> exec = map(at(onlyProps(template, "AWS::ECS::Cluster"), "Configuration",
                    "ExecuteCommandConfiguration"));
            assertEquals("OVERRIDE", exec.get("Logging"));
            Object groupRef = at(exec, "LogConfiguration", "CloudWatchLogGroupName", "Ref");
            String groupId = String.valueOf(groupRef);
            assertTrue(groupId.startsWith("HostsExecLogGroup"), groupId);
            Object days = at(template.toJSON().get("Resources"), groupId, "Properties", "RetentionInDays");
            assertEquals(template == defaults ? 30 : 90, days);
        }
    }

    /**
     * Container Insights' log group is the stack's (so logRetentionDays applies), named as ECS
     * names it, and exists before any host can send an event.
     */
    @Test
    void containerInsightsLogGroupIsOwnedWithTheRetentionSettingBeforeAnyHost() {
        String cluster = only(defaults, "AWS::ECS::Cluster").getKey();
        Map<String, Map<String, Object>> groups = defaults.findResources("AWS::Logs::LogGroup");
        var insights = groups.entrySet().stream()
                .filter(e -> e.getKey().startsWith("HostsContainerInsightsLogGroup")).toList();
        assertEquals(1, insights.size(), groups.keySet().toString());
        Map<String, Object> props = map(at(insights.get(0).getValue(), "Properties"));
        assertEquals(Map.of("Fn::Join", List.of("", List.of("/aws/ecs/containerinsights/", Map.of("Ref", cluster),
                "/performance"))), props.get("LogGroupName"));
        assertEquals(30, props.get("RetentionInDays"));
        Object dependsOn = at(only(defaults, "AWS::AutoScaling::AutoScalingGroup").getValue(), "DependsOn");
        assertTrue(list(dependsOn).contains(insights.get(0).getKey()), String.valueOf(dependsOn));
    }
}
