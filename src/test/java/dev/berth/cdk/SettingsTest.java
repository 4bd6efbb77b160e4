package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import software.amazon.awscdk.Environment;

class SettingsTest {

    @Test
    void cdkJsonDefaultsAreTheCheapSafeStack() {
        Settings s = Synth.settings(Map.of());
        assertEquals("us-east-1", s.region());
        assertFalse(s.hasDomain());
        assertEquals("t3.small", s.instanceType());
        assertEquals(2, s.minHosts());
        assertEquals(4, s.maxHosts());
        assertEquals(2, s.desiredTasks());
        assertEquals(Settings.NatMode.NONE, s.natMode());
        assertFalse(s.importsBucket());
        assertEquals(30, s.logRetentionDays());
        assertEquals(List.of("0.0.0.0/0"), s.allowedClientCidrs());
        assertFalse(s.hasAlarmEmail());
        assertEquals("ops@example.com", Synth.settings(Map.of("alarmEmail", "ops@example.com")).alarmEmail());
    }

    @Test
    void stringOverridesFromTheCommandLineAreParsed() {
        Settings s = Synth.settings(Map.of("minHosts", "1", "natMode", "GATEWAY",
                "allowedClientCidrs", " 203.0.113.0/24 , 198.51.100.7/32", "logRetentionDays", "365"));
        assertEquals(1, s.minHosts());
        assertEquals(Settings.NatMode.GATEWAY, s.natMode());
        assertEquals(List.of("203.0.113.0/24", "198.51.100.7/32"), s.allowedClientCidrs());
        assertEquals(365, s.logRetentionDays());
    }

    @Test
    void jsonListOfCidrsFromCdkJsonIsAccepted() {
        Map<String, Object> context = new LinkedHashMap<>(Synth.cdkJsonContext());
        context.put("allowedClientCidrs", List.of("10.0.0.0/8", "192.0.2.1/32"));
        assertEquals(List.of("10.0.0.0/8", "192.0.2.1/32"), Settings.from(context::get).allowedClientCidrs());
    }

    /** Each bad value names its key and what is allowed instead. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "natMode            | nat-instance     | none, gateway",
        "minHosts           | 0                | a whole number from 1 to 20",
        "maxHosts           | many             | a whole number from 1 to 20",
        "maxHosts           | 21               | a whole number from 1 to 20",
        "desiredTasks       | 1.5              | a whole number from 1 to 40",
        "instanceType       | big              | an EC2 instance type like t3.small",
        "logRetentionDays   | 10               | one of 1, 3, 5, 7, 14, 30",
        "allowedClientCidrs | 10.0.0.0/33      | a comma-separated list of IPv4 CIDRs",
        "allowedClientCidrs | 300.0.0.0/8      | a comma-separated list of IPv4 CIDRs",
        "allowedClientCidrs | ''               | a comma-separated list of IPv4 CIDRs",
        "existingBucketName | My_Bucket        | an S3 bucket name",
        "domainName         | Registry.Example | a lower-case DNS name",
        "hostedZoneId       | zone-1           | a Route 53 hosted zone id",
        "certificateArn     | arn:aws:iam::1:x | an ACM certificate ARN",
        "region             | moon-1           | an AWS region like us-east-1",
        "alarmEmail         | ops.example.com  | an e-mail address",
        "alarmEmail         | a@b,c@d.org      | an e-mail address",
        "region             | ''               | an AWS region like us-east-1",
        "noncurrentVersionDays | 0             | a whole number from 1 to 365",
        "noncurrentVersionDays | 366           | a whole number from 1 to 365",
        "loadBalancerDeletionProtection | yes  | true or false",
    })
    void badValueFailsNamingKeyAndAllowedValues(String key, String value, String allowed) {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(key, value)));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(allowed), e.getMessage());
    }

    @Test
    void minHostsAboveMaxHostsIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Synth.settings(Map.of("minHosts", "5", "maxHosts", "3")));
        assertTrue(e.getMessage().contains("'minHosts'") && e.getMessage().contains("maxHosts (3)"), e.getMessage());
    }

    @Test
    void domainNeedsAZoneOrACertificate() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Synth.settings(Map.of("domainName", "registry.example.com")));
        assertTrue(e.getMessage().contains("'domainName'") && e.getMessage().contains("certificateArn"),
                e.getMessage());
    }

    @Test
    void hostedZoneIdAndNameComeTogether() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(
                "domainName", "registry.example.com", "hostedZoneId", Scenarios.ZONE_ID)));
        assertTrue(e.getMessage().contains("'hostedZoneName'"), e.getMessage());
    }

    @Test
    void hostedZoneMustContainTheDomain() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(
                "domainName", "registry.example.com", "hostedZoneId", Scenarios.ZONE_ID,
                "hostedZoneName", "example.org")));
        assertTrue(e.getMessage().contains("'hostedZoneName'"), e.getMessage());
    }

    @Test
    void certificateWithoutDomainIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Synth.settings(Map.of("certificateArn", Scenarios.CERT_ARN)));
        assertTrue(e.getMessage().contains("'certificateArn'") && e.getMessage().contains("domainName"),
                e.getMessage());
    }

    @Test
    void aMisspelledSettingFailsTheSynthNamingTheKeyItMeant() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.fresh(Map.of("desiredtask", "4")));
        assertTrue(e.getMessage().contains("Unknown setting 'desiredtask'"), e.getMessage());
        assertTrue(e.getMessage().contains("Did you mean 'desiredTasks'?"), e.getMessage());
    }

    @Test
    void cdkOwnContextKeysAreNotSettingTypos() {
        Settings.rejectUnknownKeys(List.of("@aws-cdk/core:newStyleStackSynthesis", "aws:cdk:enable-path-metadata",
                "acknowledged-issue-numbers", "availability-zones:account=123456789012:region=us-east-1"));
        var e = assertThrows(IllegalArgumentException.class, () -> Settings.rejectUnknownKeys(List.of("vpcCidr")));
        assertFalse(e.getMessage().contains("Did you mean"), e.getMessage());
        assertTrue(e.getMessage().contains("Settings are: region, domainName"), e.getMessage());
    }

    @Test
    void badValueFailsTheSynthBeforeAnyResourceIsMade() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.fresh(Map.of("natMode", "sometimes")));
        assertTrue(e.getMessage().contains("'natMode'"), e.getMessage());
    }

    /** Nothing of the deployer's shell: cdk.json's region, no account (see EnvironmentIndependentSynthTest). */
    @Test
    void stackEnvironmentIsTheRegionSettingAndNoAccount() {
        Environment defaults = App.environment(Synth.settings(Map.of()));
        assertNull(defaults.getAccount());
        assertEquals("us-east-1", defaults.getRegion());
        assertEquals("eu-central-1", App.environment(Synth.settings(Map.of("region", "eu-central-1"))).getRegion());
    }

    @Test
    void aCertificateFromAnotherRegionIsRejected() {
        String frankfurt = Scenarios.CERT_ARN.replace("us-east-1", "eu-central-1");
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(
                "domainName", Scenarios.DOMAIN, "certificateArn", frankfurt)));
        assertTrue(e.getMessage().contains("'certificateArn'"), e.getMessage());
        assertTrue(e.getMessage().contains("region us-east-1") && e.getMessage().contains("in eu-central-1"),
                e.getMessage());
        Settings inItsRegion = Synth.settings(Map.of("domainName", Scenarios.DOMAIN, "certificateArn", frankfurt,
                "region", "eu-central-1"));
        assertEquals(frankfurt, inItsRegion.certificateArn());
    }

    @ParameterizedTest
    @CsvSource({"t3.nano, 512", "t3.micro, 1024", "t4g.micro, 1024", "t3a.nano, 512"})
    void anInstanceTypeTooSmallForTwoTasksIsRejected(String type, int memory) {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of("instanceType", type)));
        assertTrue(e.getMessage().contains("'instanceType'"), e.getMessage());
        assertTrue(e.getMessage().contains(type + " has " + memory), e.getMessage());
        assertTrue(e.getMessage().contains("at least 1536 MiB"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"t3.small", "t4g.small", "m7g.medium", "c6i.large"})
    void instanceTypesWithRoomForTwoTasksAreAccepted(String type) {
        assertEquals(type, Synth.settings(Map.of("instanceType", type)).instanceType());
    }

    @ParameterizedTest
    @CsvSource({"Z35SXDOTRQ7X7K, us-east-1 load balancers'", "Z2FDTNDATAQYW2, CloudFront's"})
    void anAwsServiceAliasZoneIsNotTakenForTheOperatorsZone(String zoneId, String whose) {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(
                "domainName", Scenarios.DOMAIN, "hostedZoneId", zoneId, "hostedZoneName", Scenarios.ZONE_NAME)));
        assertTrue(e.getMessage().contains("'hostedZoneId'"), e.getMessage());
        assertTrue(e.getMessage().contains(whose + " alias zone, not yours"), e.getMessage());
    }

    @Test
    void aHostedZoneIdPastedWithItsPathPrefixIsRejectedSayingSo() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(
                "domainName", Scenarios.DOMAIN, "hostedZoneId", "/hostedzone/" + Scenarios.ZONE_ID,
                "hostedZoneName", Scenarios.ZONE_NAME)));
        assertTrue(e.getMessage().contains("'hostedZoneId'") && e.getMessage().contains("without /hostedzone/"),
                e.getMessage());
    }

    @Test
    void dataProtectionDefaultsAndOverrides() {
        Settings defaults = Synth.settings(Map.of());
        assertEquals(7, defaults.noncurrentVersionDays());
        assertFalse(defaults.loadBalancerDeletionProtection());
        Settings custom = Synth.settings(Map.of("noncurrentVersionDays", "30", "loadBalancerDeletionProtection", "TRUE"));
        assertEquals(30, custom.noncurrentVersionDays());
        assertTrue(custom.loadBalancerDeletionProtection());
    }
}
