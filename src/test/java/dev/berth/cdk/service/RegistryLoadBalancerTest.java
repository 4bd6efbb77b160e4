package dev.berth.cdk.service;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.only;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The way in: who may reach the load balancer, its listeners, access logs and health check. */
class RegistryLoadBalancerTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Template custom = Scenarios.privateArmImported().template();

    @Test
    void loadBalancerHasLongIdleTimeoutAndAccessLogs() {
        Map<String, Object> alb = onlyProps(defaults, "AWS::ElasticLoadBalancingV2::LoadBalancer");
        assertEquals("internet-facing", alb.get("Scheme"));
        Map<String, Object> attributes = new TreeMap<>();
        for (Object a : list(alb.get("LoadBalancerAttributes"))) {
            attributes.put((String) at(a, "Key"), at(a, "Value"));
        }
        assertTrue(Integer.parseInt((String) attributes.get("idle_timeout.timeout_seconds")) >= 300, attributes.toString());
        assertEquals("true", attributes.get("access_logs.s3.enabled"));
        assertEquals("load-balancer", attributes.get("access_logs.s3.prefix"));
        assertEquals(Map.of("Ref", StorageIds.logBucket(defaults)), attributes.get("access_logs.s3.bucket"));
        assertEquals("true", attributes.get("routing.http.drop_invalid_header_fields.enabled"));
    }

    @Test
    void targetGroupHealthChecksTheRegistryHealthEndpoint() {
        Map<String, Object> tg = onlyProps(defaults, "AWS::ElasticLoadBalancingV2::TargetGroup");
        assertEquals("/healthz", tg.get("HealthCheckPath"));
        assertEquals(Map.of("HttpCode", "200"), tg.get("Matcher"));
        assertEquals("HTTP", tg.get("Protocol"));
        Map<String, Object> service = onlyProps(defaults, "AWS::ECS::Service");
        assertEquals(5000, at(list(service.get("LoadBalancers")).get(0), "ContainerPort"));
    }

    /** Every client logs in (the registry's users come with the stack), so 0.0.0.0/0 is no warning. */
    @Test
    void aRegistryOpenToTheWholeInternetNeedsNoWarningNowThatItAuthenticates() {
        assertTrue(Scenarios.defaults().stack().getNode().tryGetContext("allowedClientCidrs").toString()
                .contains("0.0.0.0/0"));
        var open = Annotations.fromStack(Scenarios.defaults().stack())
                .findWarning("*", Match.stringLikeRegexp(".*OPEN TO THE INTERNET.*"));
        assertEquals(0, open.size());
        String reason = String.valueOf(at(list(at(defaults.findResources("AWS::EC2::SecurityGroup")
                .get(albSecurityGroup(defaults)), "Metadata", "cdk_nag", "rules_to_suppress")).get(0), "reason"));
        assertTrue(reason.contains("authenticated"), reason);
    }

    @Test
    void withoutDomainTheListenerIsPlainHttpWithALoudWarning() {
        defaults.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 1);
        Map<String, Object> listener = onlyProps(defaults, "AWS::ElasticLoadBalancingV2::Listener");
        assertEquals("HTTP", listener.get("Protocol"));
        assertEquals(80, listener.get("Port"));
        assertEquals("forward", at(list(listener.get("DefaultActions")).get(0), "Type"));
        var warnings = Annotations.fromStack(Scenarios.defaults().stack())
                .findWarning("*", Match.stringLikeRegexp(".*NO DOMAIN CONFIGURED.*plain HTTP. Passwords.*"));
        assertEquals(1, warnings.size());
        defaults.hasOutput("RegistryUrl", Map.of("Value", Map.of("Fn::Join", List.of("", List.of("http://",
                Map.of("Fn::GetAtt", List.of(only(defaults, "AWS::ElasticLoadBalancingV2::LoadBalancer").getKey(),
                        "DNSName")))))));
    }

    @Test
    void clientsAreAdmittedOnlyFromAllowedCidrs() {
        String sg = albSecurityGroup(defaults);
        assertEquals(List.of(Map.of("CidrIp", "0.0.0.0/0", "Description", "registry clients", "FromPort", 80,
                "IpProtocol", "tcp", "ToPort", 80)), at(defaults.findResources("AWS::EC2::SecurityGroup").get(sg),
                "Properties", "SecurityGroupIngress"));
        List<Object> customIngress = list(at(custom.findResources("AWS::EC2::SecurityGroup")
                .get(albSecurityGroup(custom)), "Properties", "SecurityGroupIngress"));
        assertEquals(List.of("203.0.113.0/24", "198.51.100.7/32"),
                customIngress.stream().map(r -> at(r, "CidrIp")).toList());
    }

    static String albSecurityGroup(Template template) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", "Berth load balancer: registry clients in")));
        assertEquals(1, found.size());
        return found.keySet().iterator().next();
    }

    @Test
    void deletionProtectionIsOffByDefaultAndASetting() {
        assertEquals("false", loadBalancerAttribute(defaults, "deletion_protection.enabled"));
        assertEquals("true", loadBalancerAttribute(custom, "deletion_protection.enabled"));
    }

    private static Object loadBalancerAttribute(Template template, String key) {
        for (Object attribute : list(onlyProps(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
                .get("LoadBalancerAttributes"))) {
            if (key.equals(at(attribute, "Key"))) {
                return at(attribute, "Value");
            }
        }
        return null;
    }
}
