package dev.berth.cdk.network;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class NetworkTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Template privateHosts = Scenarios.privateArmImported().template();

    @Test
    void defaultVpcHasNoNatGatewayAndAnS3GatewayEndpoint() {
        defaults.resourceCountIs("AWS::EC2::VPC", 1);
        defaults.resourceCountIs("AWS::EC2::NatGateway", 0);
        defaults.resourceCountIs("AWS::EC2::EIP", 0);
        defaults.resourceCountIs("AWS::EC2::VPCEndpoint", 1);
        Map<String, Object> endpoint = onlyProps(defaults, "AWS::EC2::VPCEndpoint");
        assertEquals("Gateway", endpoint.get("VpcEndpointType"));
        assertTrue(String.valueOf(endpoint.get("ServiceName")).contains(".s3"), endpoint.toString());
        // The endpoint routes for every subnet the hosts use.
        assertEquals(2, list(endpoint.get("RouteTableIds")).size());
    }

    @Test
    void defaultVpcSpansTwoAzsWithPublicSubnetsOnly() {
        Map<String, Map<String, Object>> subnets = defaults.findResources("AWS::EC2::Subnet");
        assertEquals(2, subnets.size());
        Set<String> azs = new TreeSet<>();
        for (Map<String, Object> subnet : subnets.values()) {
            assertEquals(true, at(subnet, "Properties", "MapPublicIpOnLaunch"));
            azs.add(String.valueOf(at(subnet, "Properties", "AvailabilityZone")));
        }
        assertEquals(2, azs.size(), "one subnet per AZ: " + azs);
    }

    @Test
    void hostsAcceptTrafficOnlyFromTheLoadBalancerSecurityGroup() {
        String hostsSg = securityGroupId(defaults, "Berth ECS hosts: inbound only from the load balancer");
        String albSg = securityGroupId(defaults, "Berth load balancer: registry clients in");
        // No inline ingress on the hosts' group: every rule is a separate resource checked below.
        assertNull(at(defaults.findResources("AWS::EC2::SecurityGroup").get(hostsSg), "Properties",
                "SecurityGroupIngress"));
        Map<String, Map<String, Object>> ingress = defaults.findResources("AWS::EC2::SecurityGroupIngress");
        assertEquals(1, ingress.size(), ingress.toString());
        Map<String, Object> rule = map(at(ingress.values().iterator().next(), "Properties"));
        assertEquals(Map.of("Fn::GetAtt", List.of(hostsSg, "GroupId")), rule.get("GroupId"));
        assertEquals(Map.of("Fn::GetAtt", List.of(albSg, "GroupId")), rule.get("SourceSecurityGroupId"));
        assertEquals(32768, ((Number) rule.get("FromPort")).intValue());
        assertEquals(65535, ((Number) rule.get("ToPort")).intValue());
    }

    @Test
    void flowLogsCaptureAllTrafficToCloudWatchLogs() {
        defaults.hasResourceProperties("AWS::EC2::FlowLog", Map.of(
                "ResourceType", "VPC",
                "TrafficType", "ALL",
                "LogDestinationType", "cloud-watch-logs"));
        privateHosts.resourceCountIs("AWS::EC2::FlowLog", 1);
    }

    @Test
    void defaultHostsAreInPublicSubnets() {
        List<Object> subnets = list(at(onlyProps(defaults, "AWS::AutoScaling::AutoScalingGroup"),
                "VPCZoneIdentifier"));
        assertEquals(2, subnets.size());
        for (Object subnet : subnets) {
            assertTrue(String.valueOf(subnet).contains("Public"), subnet.toString());
        }
    }

    @Test
    void natGatewayModePutsHostsInPrivateSubnetsBehindOneNatGateway() {
        privateHosts.resourceCountIs("AWS::EC2::NatGateway", 1);
        privateHosts.resourceCountIs("AWS::EC2::Subnet", 4);
        List<Object> subnets = list(at(onlyProps(privateHosts, "AWS::AutoScaling::AutoScalingGroup"),
                "VPCZoneIdentifier"));
        assertEquals(2, subnets.size());
        for (Object subnet : subnets) {
            assertTrue(String.valueOf(subnet).contains("Private"), subnet.toString());
        }
        // The load balancer stays public, and the S3 endpoint serves the private route tables.
        for (Object subnet : list(onlyProps(privateHosts, "AWS::ElasticLoadBalancingV2::LoadBalancer")
                .get("Subnets"))) {
            assertTrue(String.valueOf(subnet).contains("Public"), subnet.toString());
        }
        for (Object table : list(onlyProps(privateHosts, "AWS::EC2::VPCEndpoint").get("RouteTableIds"))) {
            assertTrue(String.valueOf(table).contains("Private"), table.toString());
        }
        // No subnet gives public IPs: not the private ones, and not the public ones, where only the
        // load balancer and the NAT gateway live (each with its own addresses).
        Map<String, Map<String, Object>> noPublicIp = privateHosts.findResources("AWS::EC2::Subnet",
                Map.of("Properties", Map.of("MapPublicIpOnLaunch", false)));
        assertEquals(2, noPublicIp.keySet().stream().filter(id -> id.contains("Private")).count());
        assertEquals(4, noPublicIp.size());
        assertFalse(privateHosts.findResources("AWS::EC2::Route",
                Map.of("Properties", Map.of("NatGatewayId", Match.anyValue()))).isEmpty());
    }

    static String securityGroupId(Template template, String description) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", description)));
        assertEquals(1, found.size(), description);
        return found.keySet().iterator().next();
    }

    /** CDK's custom resource removes the default group's rules at deploy. */
    @Test
    void theVpcsDefaultSecurityGroupIsClosed() {
        Map<String, Object> restrict = onlyProps(defaults, "Custom::VpcRestrictDefaultSG");
        String vpc = defaults.findResources("AWS::EC2::VPC").keySet().iterator().next();
        assertEquals(Map.of("Fn::GetAtt", List.of(vpc, "DefaultSecurityGroup")), restrict.get("DefaultSecurityGroupId"));
    }
}
