package dev.berth.cdk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import software.constructs.Node;

/**
 * Every knob of the stack, read from CDK context: defaults live in cdk.json, overrides come
 * from {@code -c key=value}. Values from cdk.json arrive typed (numbers, lists); values from
 * {@code -c} arrive as strings, so each reader accepts both. A bad value fails synth with a
 * message naming the key and what it may be. The users and their access rules are read by
 * {@link AccessSettings}.
 */
public record Settings(
        String region,
        String domainName,
        String hostedZoneId,
        String hostedZoneName,
        String certificateArn,
        String instanceType,
        int minHosts,
        int maxHosts,
        int desiredTasks,
        NatMode natMode,
        String existingBucketName,
        int logRetentionDays,
        List<String> allowedClientCidrs,
        int noncurrentVersionDays,
        boolean loadBalancerDeletionProtection,
        AccessSettings access,
        String alarmEmail) {

    /** How hosts reach the internet (ECR, Secrets Manager, CloudWatch). */
    public enum NatMode {
        /** Hosts in public subnets; their security group admits only the load balancer. */
        NONE,
        /** Hosts in private subnets behind one NAT gateway. */
        GATEWAY;

        static String allowed() {
            return "none, gateway";
        }
    }

    /** CloudWatch Logs accepts only these retention periods, ascending. */
    public static final List<Integer> LOG_RETENTION_DAYS = List.copyOf(LogRetention.BY_DAYS.keySet());

    /** How long a replaced or deleted image object stays restorable, at most a year. */
    public static final int MAX_NONCURRENT_VERSION_DAYS = 365;

    /** The most hosts a setting may ask for: a guard against a typo like maxHosts=100. */
    public static final int MAX_HOSTS_LIMIT = 20;

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern ZONE_ID = Pattern.compile("Z[A-Z0-9]{1,31}");
    private static final Pattern CERT_ARN = Pattern.compile(
            "arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]*\\.[a-z0-9]+");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\",]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern CIDR = Pattern.compile(
            "(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    /** The context keys this app reads; cdk.json holds a default for each. */
    public static final List<String> KEYS = List.of("region", "domainName", "hostedZoneId", "hostedZoneName",
            "certificateArn", "instanceType", "minHosts", "maxHosts", "desiredTasks", "natMode",
            "existingBucketName", "logRetentionDays", "allowedClientCidrs", "noncurrentVersionDays",
            "loadBalancerDeletionProtection", "users", "accessRules", "anonymousPull", "alarmEmail");

    /**
     * Context keys spelled like ours (CDK's own keys carry ':', '/', '@' or '-'): one that is not
     * in {@link #KEYS} is a typo, which would otherwise be ignored silently.
     */
    private static final Pattern SETTING_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    /** Reads and validates every setting of the app's context, refusing misspelled keys. */
    public static Settings fromContext(Node node) {
        if (node.getAllContext() instanceof Map<?, ?> all) {
            rejectUnknownKeys(all.keySet().stream().map(String::valueOf).toList());
        }
        return from(node::tryGetContext);
    }

    static void rejectUnknownKeys(Collection<String> keys) {
        for (String key : keys) {
            if (SETTING_LIKE.matcher(key).matches() && !KEYS.contains(key)) {
                String suggestion = KEYS.stream().filter(k -> editDistance(k.toLowerCase(Locale.ROOT),
                        key.toLowerCase(Locale.ROOT)) <= 2).findFirst().map(k -> " Did you mean '" + k + "'?")
                        .orElse("");
                throw new IllegalArgumentException("Unknown setting '" + key + "'." + suggestion + " Settings are: "
                        + String.join(", ", KEYS) + ".");
            }
        }
    }

    /** Levenshtein distance, for suggesting the setting a typo meant. */
    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Reads and validates every setting; {@code context} is usually {@code node::tryGetContext}. */
    public static Settings from(Function<String, Object> context) {
        Reader r = new Reader(context);
        Settings s = new Settings(
                // Required, never the deployer's CLI region: the template must not change with the shell.
                r.required("region", REGION, "an AWS region like us-east-1"),
                r.optional("domainName", DOMAIN, "a lower-case DNS name like registry.example.com, or empty"),
                r.optional("hostedZoneId", ZONE_ID, "a Route 53 hosted zone id like Z0123456789ABC (the id alone, without /hostedzone/), or empty"),
                r.optional("hostedZoneName", DOMAIN, "the hosted zone's DNS name like example.com, or empty"),
                r.optional("certificateArn", CERT_ARN, "an ACM certificate ARN, or empty"),
                r.required("instanceType", INSTANCE_TYPE, "an EC2 instance type like t3.small"),
                r.integer("minHosts", 1, MAX_HOSTS_LIMIT),
                r.integer("maxHosts", 1, MAX_HOSTS_LIMIT),
                r.integer("desiredTasks", 1, 2 * MAX_HOSTS_LIMIT),
                r.natMode(),
                r.optional("existingBucketName", BUCKET, "an S3 bucket name (3-63 of a-z 0-9 . -), or empty"),
                r.logRetention(),
                r.cidrs("allowedClientCidrs"),
                r.integer("noncurrentVersionDays", 1, MAX_NONCURRENT_VERSION_DAYS),
                r.bool("loadBalancerDeletionProtection"),
                AccessSettings.from(context),
                r.optional("alarmEmail", EMAIL, "an e-mail address for the alarms' SNS topic, or empty"));
        s.checkCombinations();
        return s;
    }

    public boolean hasDomain() {
        return !domainName.isEmpty();
    }

    public boolean hasHostedZone() {
        return !hostedZoneId.isEmpty();
    }

    public boolean hasCertificateArn() {
        return !certificateArn.isEmpty();
    }

    public boolean hasAlarmEmail() {
        return !alarmEmail.isEmpty();
    }

    public boolean importsBucket() {
        return !existingBucketName.isEmpty();
    }

    /** Rules that involve more than one key, or what the keys name. */
    private void checkCombinations() {
        SettingsChecks.instanceFitsTasks(instanceType);
        SettingsChecks.hostedZoneIdIsAZone(hostedZoneId);
        if (hasCertificateArn()) {
            SettingsChecks.certificateInRegion(certificateArn, region);
        }
        if (minHosts > maxHosts) {
            throw invalid("minHosts", String.valueOf(minHosts),
                    "a number no greater than maxHosts (" + maxHosts + ")");
        }
        if (hostedZoneId.isEmpty() != hostedZoneName.isEmpty()) {
            throw invalid(hostedZoneId.isEmpty() ? "hostedZoneId" : "hostedZoneName", "",
                    "set together with " + (hostedZoneId.isEmpty() ? "hostedZoneName" : "hostedZoneId")
                            + " (both or neither)");
        }
        if (!hasDomain()) {
            for (String key : List.of("hostedZoneId", "certificateArn")) {
                String value = key.equals("hostedZoneId") ? hostedZoneId : certificateArn;
                if (!value.isEmpty()) {
                    throw invalid(key, value, "empty unless domainName is set");
                }
            }
            return;
        }
        if (!hasHostedZone() && !hasCertificateArn()) {
            throw invalid("domainName", domainName,
                    "set together with hostedZoneId+hostedZoneName (DNS-validated certificate) or certificateArn");
        }
        if (hasHostedZone() && !(domainName.equals(hostedZoneName) || domainName.endsWith("." + hostedZoneName))) {
            throw invalid("hostedZoneName", hostedZoneName, "the zone that contains domainName (" + domainName + ")");
        }
    }

    /** @param key the setting, or a part of one such as {@code users[1].name} */
    static IllegalArgumentException invalid(String key, String value, String allowed) {
        String setting = key.split("[\\[.]")[0];
        return new IllegalArgumentException("Invalid setting '" + key + "' = \"" + value + "\": allowed: " + allowed
                + ". Set it in cdk.json \"context\" or with -c " + setting + "=...");
    }

    /** Reads one key at a time, so each error names its key. */
    private record Reader(Function<String, Object> context) {

        private String raw(String key) {
            Object v = context.apply(key);
            if (v == null) {
                return "";
            }
            return String.valueOf(v).trim();
        }

        String optional(String key, Pattern format, String allowed) {
            String v = raw(key);
            if (!v.isEmpty() && !format.matcher(v).matches()) {
                throw invalid(key, v, allowed);
            }
            return v;
        }

        String required(String key, Pattern format, String allowed) {
            String v = raw(key);
            if (!format.matcher(v).matches()) {
                throw invalid(key, v, allowed);
            }
            return v;
        }

        int integer(String key, int min, int max) {
            String v = raw(key);
            String allowed = "a whole number from " + min + " to " + max;
            try {
                // cdk.json numbers may come back as 2.0 through jsii.
                double d = Double.parseDouble(v);
                int i = (int) d;
                if (i != d || i < min || i > max) {
                    throw invalid(key, v, allowed);
                }
                return i;
            } catch (NumberFormatException e) {
                throw invalid(key, v, allowed);
            }
        }

        boolean bool(String key) {
            String v = raw(key).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(key, v, "true or false");
            };
        }

        NatMode natMode() {
            String v = raw("natMode");
            try {
                return NatMode.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid("natMode", v, NatMode.allowed());
            }
        }

        int logRetention() {
            String v = raw("logRetentionDays");
            String allowed = "one of " + LOG_RETENTION_DAYS.toString().replaceAll("[\\[\\]]", "");
            try {
                double d = Double.parseDouble(v);
                if (d == Math.rint(d) && LOG_RETENTION_DAYS.contains((int) d)) {
                    return (int) d;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw invalid("logRetentionDays", v, allowed);
        }

        /** A JSON list in cdk.json, or a comma-separated string from -c. */
        List<String> cidrs(String key) {
            Object v = context.apply(key);
            List<String> items = new ArrayList<>();
            if (v instanceof List<?> list) {
                list.forEach(item -> items.add(String.valueOf(item).trim()));
            } else {
                for (String part : raw(key).split(",")) {
                    if (!part.isBlank()) {
                        items.add(part.trim());
                    }
                }
            }
            String allowed = "a comma-separated list of IPv4 CIDRs like 0.0.0.0/0 or 203.0.113.0/24,198.51.100.7/32";
            if (items.isEmpty()) {
                throw invalid(key, raw(key), allowed);
            }
            for (String cidr : items) {
                var m = CIDR.matcher(cidr);
                boolean ok = m.matches() && Integer.parseInt(m.group(5)) <= 32;
                for (int g = 1; ok && g <= 4; g++) {
                    ok = Integer.parseInt(m.group(g)) <= 255;
                }
                if (!ok) {
                    throw invalid(key, cidr, allowed);
                }
            }
            return Collections.unmodifiableList(items);
        }
    }
}
