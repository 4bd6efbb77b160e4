package dev.berth.cdk;

import java.util.Locale;
import java.util.Map;

import dev.berth.cdk.service.RegistryTask;

/**
 * Checks of what a setting names, done offline at synth so a mistake fails in seconds instead
 * of half-way through a deploy: an instance type too small for the tasks, a hosted zone id that
 * is an AWS service's alias zone rather than the operator's, a certificate from another region.
 */
final class SettingsChecks {

    private SettingsChecks() {
    }

    /** The service scales to this many tasks per host at maxHosts (see RegistryStack.maxTasks). */
    static final int TASKS_PER_HOST = 2;

    /**
     * A budget for the kernel, Docker and the ECS agent beside the tasks: the agent registers
     * less than the instance's memory, and a host that swaps or kills tasks serves nobody.
     */
    static final int HOST_OVERHEAD_MIB = 512;

    /** Memory of the sizes that can be too small, the same across families (t3, t3a, t4g, ...). */
    private static final Map<String, Integer> SMALL_SIZES_MIB = Map.of("nano", 512, "micro", 1024);

    /**
     * Route 53 zones of AWS services (CloudFront, and the load balancers of the common regions):
     * they appear in ALB and CloudFront consoles as "hosted zone", and are easily pasted for one's own.
     */
    private static final Map<String, String> SERVICE_ZONES = Map.ofEntries(
            Map.entry("Z2FDTNDATAQYW2", "CloudFront's"),
            Map.entry("Z35SXDOTRQ7X7K", "the us-east-1 load balancers'"),
            Map.entry("Z3AADJGX6KTTL2", "the us-east-2 load balancers'"),
            Map.entry("Z368ELLRRE2KJ0", "the us-west-1 load balancers'"),
            Map.entry("Z1H1FL5HABSF5", "the us-west-2 load balancers'"),
            Map.entry("Z32O12XQLNTSW2", "the eu-west-1 load balancers'"),
            Map.entry("Z215JYRZR1TBD5", "the eu-central-1 load balancers'"),
            Map.entry("Z14GRHDCWA56QT", "the ap-northeast-1 load balancers'"),
            Map.entry("Z1LMS91P8CMLE5", "the ap-southeast-1 load balancers'"));

    /** A host must hold {@link #TASKS_PER_HOST} tasks' memory reservations beside the OS and agent. */
    static void instanceFitsTasks(String instanceType) {
        String size = instanceType.substring(instanceType.indexOf('.') + 1).toLowerCase(Locale.ROOT);
        Integer memory = SMALL_SIZES_MIB.get(size);
        int needed = TASKS_PER_HOST * RegistryTask.MEMORY_RESERVATION_MIB + HOST_OVERHEAD_MIB;
        if (memory != null && memory < needed) {
            throw Settings.invalid("instanceType", instanceType, "an instance type with at least " + needed
                    + " MiB of memory (" + instanceType + " has " + memory + "): each host runs up to "
                    + TASKS_PER_HOST + " registry tasks reserving " + RegistryTask.MEMORY_RESERVATION_MIB
                    + " MiB each, beside the OS and the ECS agent; t3.small or t4g.small is the smallest");
        }
    }

    static void hostedZoneIdIsAZone(String hostedZoneId) {
        String service = SERVICE_ZONES.get(hostedZoneId);
        if (service != null) {
            throw Settings.invalid("hostedZoneId", hostedZoneId, "the id of your own hosted zone (Route 53 console, "
                    + "Hosted zones; or aws route53 list-hosted-zones-by-name --dns-name <hostedZoneName>): "
                    + hostedZoneId + " is " + service + " alias zone, not yours");
        }
    }

    /** An ALB can only use an ACM certificate of its own region. */
    static void certificateInRegion(String certificateArn, String region) {
        String certificateRegion = certificateArn.split(":")[3];
        if (!certificateRegion.equals(region)) {
            throw Settings.invalid("certificateArn", certificateArn, "a certificate in the stack's region " + region
                    + " (this one is in " + certificateRegion + "; a load balancer uses certificates of its own "
                    + "region only: request or import one there, or set region)");
        }
    }
}
