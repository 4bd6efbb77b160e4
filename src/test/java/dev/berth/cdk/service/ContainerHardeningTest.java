package dev.berth.cdk.service;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Template;

/**
 * The container as ECS runs it: read-only image, task-scoped writable /tmp and ECS Exec agent places, no Linux
 * capabilities, and a health check ECS acts on that starts no JVM. That the registry runs like
 * this and the health command answers is checked by SynthesizedTaskDefinitionRunsRegistryTest.
 */
class ContainerHardeningTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Map<String, Object> container = RenderedContainer.definition(defaults);

    @Test
    void rootFilesystemIsReadOnlyAndTmpAndTheExecAgentsPlacesAreTaskScopedVolumes() {
        assertEquals(true, container.get("ReadonlyRootFilesystem"));
        assertEquals(false, container.get("Privileged"));
        Map<String, String> writable = Map.of("tmp", "/tmp", "exec-agents", "/managed-agents",
                "exec-state", "/var/lib/amazon/ssm", "exec-logs", "/var/log/amazon/ssm");
        List<Object> mounts = list(container.get("MountPoints"));
        assertEquals(writable.size(), mounts.size(), mounts.toString());
        for (Object mount : mounts) {
            assertEquals(false, at(mount, "ReadOnly"));
            assertEquals(writable.get((String) at(mount, "SourceVolume")), at(mount, "ContainerPath"), mount.toString());
        }
        List<Object> volumes = list(onlyProps(defaults, "AWS::ECS::TaskDefinition").get("Volumes"));
        assertEquals(writable.size(), volumes.size(), volumes.toString());
        for (Object volume : volumes) {
            assertTrue(writable.containsKey((String) at(volume, "Name")), volume.toString());
            assertEquals(Map.of("Driver", "local", "Scope", "task"), at(volume, "DockerVolumeConfiguration"));
        }
    }

    @Test
    void everyLinuxCapabilityIsDropped() {
        assertEquals(List.of("ALL"), at(container, "LinuxParameters", "Capabilities", "Drop"));
        assertEquals(null, at(container, "LinuxParameters", "Capabilities", "Add"));
    }

    @Test
    void ecsHealthCheckAsksHealthzWithBashNotAJvm() {
        List<Object> command = list(at(container, "HealthCheck", "Command"));
        assertEquals(List.of("CMD", "bash", "-c"), command.subList(0, 3));
        String script = String.valueOf(command.get(3));
        assertTrue(script.contains("/dev/tcp/127.0.0.1/${REGISTRY_HTTP_ADDR##*:}"), script);
        assertTrue(script.contains("GET " + RegistryTask.HEALTH_PATH + " "), script);
        assertFalse(script.contains("java"), script);
        assertEquals(30, at(container, "HealthCheck", "Interval"));
        assertEquals(5, at(container, "HealthCheck", "Timeout"));
        assertEquals(3, at(container, "HealthCheck", "Retries"));
        assertEquals(60, at(container, "HealthCheck", "StartPeriod"));
    }
}
