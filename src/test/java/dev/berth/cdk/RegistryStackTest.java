package dev.berth.cdk;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Template;

/** What the stack itself adds: its outputs. */
class RegistryStackTest {

    private final Template defaults = Scenarios.defaults().template();

    @Test
    void outputsGiveUrlLoadBalancerBucketAndDockerLoginHint() {
        Map<String, Object> outputs = map(defaults.toJSON().get("Outputs"));
        assertEquals(List.of("BucketName", "DockerLoginHint", "LoadBalancerDnsName", "RegistryUrl"),
                outputs.keySet().stream().sorted().toList());
        assertTrue(at(outputs, "DockerLoginHint", "Value").toString().contains("docker login "));
        assertEquals("The load balancer's own DNS name", at(outputs, "LoadBalancerDnsName", "Description"));
    }
}
