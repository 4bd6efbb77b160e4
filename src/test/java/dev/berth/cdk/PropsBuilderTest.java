package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import dev.berth.cdk.access.RegistryAccess;
import dev.berth.cdk.dns.RegistryDomain;
import dev.berth.cdk.hosts.EcsHosts;
import dev.berth.cdk.monitoring.RegistryMonitoring;
import dev.berth.cdk.network.RegistryNetwork;
import dev.berth.cdk.service.RegistryLoadBalancer;
import dev.berth.cdk.service.RegistryService;
import dev.berth.cdk.service.RegistryTask;
import dev.berth.cdk.storage.AccessLogBucket;
import dev.berth.cdk.storage.ImageBucket;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Construct props are built, not listed: a missing required prop is named, optional ones default. */
class PropsBuilderTest {

    private static void assertMissing(String props, String prop, Executable build) {
        IllegalStateException e = assertThrows(IllegalStateException.class, build);
        assertEquals(props + ": " + prop + " is required; set it with ." + prop + "(...) on " + props + ".builder()",
                e.getMessage());
    }

    @Test
    void registryPartsNameTheFirstMissingRequiredProp() {
        assertMissing("RegistryTask.Props", "bucket", () -> RegistryTask.Props.builder().build());
        assertMissing("RegistryService.Props", "cluster", () -> RegistryService.Props.builder().build());
        assertMissing("RegistryLoadBalancer.Props", "vpc", () -> RegistryLoadBalancer.Props.builder().build());
        assertMissing("RegistryMonitoring.Props", "loadBalancer", () -> RegistryMonitoring.Props.builder().build());
    }

    @Test
    void accessNeedsItsSettingsAndDefaultsToNoDomain() {
        assertMissing("RegistryAccess.Props", "settings", () -> RegistryAccess.Props.builder().build());
        assertEquals("", RegistryAccess.Props.builder().settings(AccessSettings.DEFAULT).build().domainName());
    }

    @Test
    void hostsNeedEveryProp() {
        assertMissing("EcsHosts.Props", "vpc", () -> EcsHosts.Props.builder().instanceType("t3.small").build());
        // Props are records: their public constructor checks as much as the builder does.
        assertMissing("EcsHosts.Props", "vpc", () -> new EcsHosts.Props(null, null, "t3.small", 1, 2, null));
    }

    @Test
    void networkNeedsFlowLogRetentionAndDefaultsToPublicHosts() {
        assertMissing("RegistryNetwork.Props", "flowLogRetention", () -> RegistryNetwork.Props.builder().build());
        RegistryNetwork.Props props = RegistryNetwork.Props.builder().flowLogRetention(RetentionDays.ONE_WEEK).build();
        assertEquals(false, props.privateHosts());
        assertEquals(RetentionDays.ONE_WEEK, props.flowLogRetention());
    }

    @Test
    void accessLogBucketNeedsItsExpiry() {
        assertMissing("AccessLogBucket.Props", "expireAfterDays", () -> AccessLogBucket.Props.builder().build());
        assertEquals(30, AccessLogBucket.Props.builder().expireAfterDays(30).build().expireAfterDays());
    }

    @Test
    void imageBucketNeedsAccessLogsOnlyWhenItCreatesTheBucket() {
        assertMissing("ImageBucket.Props", "accessLogs", () -> ImageBucket.Props.builder().build());
        assertMissing("ImageBucket.Props", "accessLogs",
                () -> ImageBucket.Props.builder().existingBucketName("").build());
        ImageBucket.Props imported = ImageBucket.Props.builder().existingBucketName("older-images").build();
        assertEquals("older-images", imported.existingBucketName());
        assertNull(imported.accessLogs());
    }

    @Test
    void domainNeedsAZoneOrACertificate() {
        assertMissing("RegistryDomain.Props", "domainName", () -> RegistryDomain.Props.builder().build());
        assertMissing("RegistryDomain.Props without a hostedZoneId", "certificateArn",
                () -> RegistryDomain.Props.builder().domainName("registry.example.com").build());
        assertMissing("RegistryDomain.Props with a hostedZoneId", "hostedZoneName",
                () -> RegistryDomain.Props.builder().domainName("registry.example.com").hostedZoneId("Z123").build());
        RegistryDomain.Props zoneOnly = RegistryDomain.Props.builder()
                .domainName("registry.example.com").hostedZoneId("Z123").hostedZoneName("example.com").build();
        assertEquals("", zoneOnly.certificateArn());
    }
}
