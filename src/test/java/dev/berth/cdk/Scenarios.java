package dev.berth.cdk;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few setting combinations the suite synthesizes, each once per test JVM (see {@link Synth}).
 * Values are strings, as {@code -c key=value} gives them.
 */
public final class Scenarios {

    private Scenarios() {
    }

    public static final String ZONE_ID = "Z0123456789ABCDEFGHIJ";
    public static final String ZONE_NAME = "example.com";
    public static final String DOMAIN = "registry.example.com";
    public static final String CERT_ARN =
            "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
    public static final String EXISTING_BUCKET = "acme-existing-images";
    public static final String ALARM_EMAIL = "registry-ops@example.com";

    /** cdk.json as it is. */
    public static Synth defaults() {
        return Synth.defaults();
    }

    /** Every non-default knob that does not need a domain, in one synth. */
    public static Synth privateArmImported() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("natMode", "gateway");
        c.put("instanceType", "t4g.small");
        c.put("minHosts", "1");
        c.put("maxHosts", "3");
        c.put("desiredTasks", "3");
        c.put("existingBucketName", EXISTING_BUCKET);
        c.put("allowedClientCidrs", "203.0.113.0/24,198.51.100.7/32");
        c.put("logRetentionDays", "90");
        c.put("alarmEmail", ALARM_EMAIL);
        c.put("loadBalancerDeletionProtection", "true");
        return Synth.with(c);
    }

    /** A domain in a Route 53 zone: DNS-validated certificate and an alias record. */
    public static Synth domainWithZone() {
        return Synth.with(Map.of("domainName", DOMAIN, "hostedZoneId", ZONE_ID, "hostedZoneName", ZONE_NAME));
    }

    /** A domain whose DNS lives elsewhere, with an existing certificate, for one client network. */
    public static Synth domainWithCertificate() {
        return Synth.with(Map.of("domainName", DOMAIN, "certificateArn", CERT_ARN,
                "allowedClientCidrs", CLIENT_CIDR));
    }

    public static final String CLIENT_CIDR = "203.0.113.0/24";

    public static final String TEAM_USERS = "[{\"name\": \"admin\", \"admin\": true},"
            + " {\"name\": \"ci\", \"groups\": [\"builders\"]},"
            + " {\"name\": \"alice\", \"groups\": [\"team-a\", \"builders\"]}]";
    public static final String TEAM_RULES = "["
            + "{\"repositories\": \"team-a/**\", \"actions\": [\"pull\", \"push\"], \"groups\": [\"team-a\"]},"
            + " {\"repositories\": [\"ci/*\", \"tools/**\"], \"actions\": [\"pull\", \"push\", \"delete\"],"
            + " \"users\": [\"ci\"]},"
            + " {\"repositories\": \"audit/**\", \"actions\": [\"pull\"], \"groups\": [\"auditors\"]},"
            + " {\"repositories\": \"**\", \"actions\": [\"pull\"], \"authenticated\": true}]";
    public static final String TEAM_ANONYMOUS = "public/**,docs/*";

    /**
     * cdk.json's defaults but for who may do what: three users in groups, rules for them (one
     * naming a group no user is in), and anonymous pulls. Nothing else differs from {@link #defaults()}.
     */
    public static Synth teams() {
        return Synth.with(Map.of("users", TEAM_USERS, "accessRules", TEAM_RULES, "anonymousPull", TEAM_ANONYMOUS));
    }
}
