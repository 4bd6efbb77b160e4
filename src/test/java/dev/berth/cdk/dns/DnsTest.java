package dev.berth.cdk.dns;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.only;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class DnsTest {

    private final Template zone = Scenarios.domainWithZone().template();
    private final Template cert = Scenarios.domainWithCertificate().template();

    @Test
    void domainInAHostedZoneGetsADnsValidatedCertificate() {
        Map<String, Object> certificate = onlyProps(zone, "AWS::CertificateManager::Certificate");
        assertEquals(Scenarios.DOMAIN, certificate.get("DomainName"));
        assertEquals("DNS", certificate.get("ValidationMethod"));
        assertEquals(List.of(Map.of("DomainName", Scenarios.DOMAIN, "HostedZoneId", Scenarios.ZONE_ID)),
                certificate.get("DomainValidationOptions"));
    }

    @Test
    void httpsListenerServesTheCertificateAndHttpRedirects() {
        String certId = only(zone, "AWS::CertificateManager::Certificate").getKey();
        zone.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 2);
        zone.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of(
                "Protocol", "HTTPS", "Port", 443,
                "Certificates", List.of(Map.of("CertificateArn", Map.of("Ref", certId))),
                "DefaultActions", List.of(Match.objectLike(Map.of("Type", "forward")))));
        zone.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of(
                "Protocol", "HTTP", "Port", 80,
                "DefaultActions", List.of(Map.of("Type", "redirect", "RedirectConfig",
                        Map.of("Port", "443", "Protocol", "HTTPS", "StatusCode", "HTTP_301")))));
        assertTrue(Annotations.fromStack(Scenarios.domainWithZone().stack())
                .findWarning("*", Match.stringLikeRegexp(".*NO DOMAIN.*")).isEmpty());
    }

    @Test
    void addingADomainLaterUpdatesThePort80ListenerAndKeepsTheTargetGroup() {
        // CloudFormation would create a second port-80 listener before deleting the first, and fail.
        Template plain = Scenarios.defaults().template();
        assertEquals(port80Listener(plain), port80Listener(zone));
        assertEquals(only(plain, "AWS::ElasticLoadBalancingV2::TargetGroup").getKey(),
                only(zone, "AWS::ElasticLoadBalancingV2::TargetGroup").getKey());
    }

    private static String port80Listener(Template template) {
        Map<String, Map<String, Object>> listeners = template.findResources("AWS::ElasticLoadBalancingV2::Listener",
                Map.of("Properties", Map.of("Port", 80)));
        assertEquals(1, listeners.size());
        return listeners.keySet().iterator().next();
    }

    @Test
    void aliasRecordPointsTheDomainAtTheLoadBalancer() {
        String alb = only(zone, "AWS::ElasticLoadBalancingV2::LoadBalancer").getKey();
        Map<String, Object> record = onlyProps(zone, "AWS::Route53::RecordSet");
        assertEquals("A", record.get("Type"));
        assertEquals(Scenarios.DOMAIN + ".", record.get("Name"));
        assertEquals(Scenarios.ZONE_ID, record.get("HostedZoneId"));
        assertTrue(at(record, "AliasTarget", "DNSName").toString().contains(alb), record.toString());
        zone.hasOutput("RegistryUrl", Map.of("Value", "https://" + Scenarios.DOMAIN));
        List<Object> login = list(list(at(zone.toJSON(), "Outputs", "DockerLogin", "Value", "Fn::Join")).get(1));
        assertEquals(" --query SecretString --output text | docker login --username admin --password-stdin "
                + Scenarios.DOMAIN, login.get(login.size() - 1));
    }

    @Test
    void loadBalancerAdmitsClientsOnBothPortsWithHttps() {
        Map<String, Map<String, Object>> sgs = zone.findResources("AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", "Berth load balancer: registry clients in")));
        List<Object> ingress = list(at(sgs.values().iterator().next(), "Properties", "SecurityGroupIngress"));
        assertEquals(List.of(80, 443), ingress.stream().map(r -> at(r, "FromPort")).toList());
    }

    @Test
    void redirectListenerDoesNotOpenTheLoadBalancerToEveryone() {
        Map<String, Map<String, Object>> sgs = cert.findResources("AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", "Berth load balancer: registry clients in")));
        List<Object> ingress = list(at(sgs.values().iterator().next(), "Properties", "SecurityGroupIngress"));
        assertEquals(List.of(Scenarios.CLIENT_CIDR, Scenarios.CLIENT_CIDR), ingress.stream().map(r -> at(r, "CidrIp")).toList());
        assertEquals(List.of(80, 443), ingress.stream().map(r -> at(r, "FromPort")).toList());
    }

    @Test
    void existingCertificateIsUsedAndNoRecordIsMadeWithoutAZone() {
        cert.resourceCountIs("AWS::CertificateManager::Certificate", 0);
        cert.resourceCountIs("AWS::Route53::RecordSet", 0);
        cert.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Map.of(
                "Protocol", "HTTPS", "Certificates", List.of(Map.of("CertificateArn", Scenarios.CERT_ARN))));
        cert.hasOutput("RegistryUrl", Map.of("Value", "https://" + Scenarios.DOMAIN));
        // Without a zone the DNS record is the deployer's to make: the output names its target.
        Map<String, Map<String, Object>> target = cert.findOutputs("LoadBalancerDnsName", Map.of());
        assertEquals(1, target.size());
        assertEquals(Map.of("Fn::GetAtt", List.of(loadBalancerId(cert), "DNSName")),
                at(target.get("LoadBalancerDnsName"), "Value"));
        assertTrue(at(target.get("LoadBalancerDnsName"), "Description").toString().contains(Scenarios.DOMAIN));
    }

    private static String loadBalancerId(Template template) {
        return template.findResources("AWS::ElasticLoadBalancingV2::LoadBalancer", Map.of()).keySet().iterator().next();
    }
}
