package dev.berth.cdk;

import java.util.Arrays;
import java.util.List;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.constructs.IConstruct;

/**
 * Acknowledging cdk-nag findings with one reason for several rules: the AwsSolutions and the
 * NIST 800-53 R5 packs often flag the same choice under two ids (SMG4 and
 * SecretsManagerRotationEnabled).
 */
public final class Nag {

    private Nag() {
    }

    public static final String NIST = "NIST.800.53.R5-";

    /** One reason for each of {@code ruleIds} (full ids, such as {@code AwsSolutions-SMG4}). */
    public static List<NagPackSuppression> because(String reason, String... ruleIds) {
        return Arrays.stream(ruleIds)
                .map(id -> NagPackSuppression.builder().id(id).reason(reason).build())
                .toList();
    }

    /** On the construct's own resource. */
    public static void acknowledge(IConstruct construct, String reason, String... ruleIds) {
        NagSuppressions.addResourceSuppressions(construct, because(reason, ruleIds));
    }

    /** On the construct and every resource below it (e.g. a role and its default policy). */
    public static void acknowledgeWithChildren(IConstruct construct, String reason, String... ruleIds) {
        NagSuppressions.addResourceSuppressions(construct, because(reason, ruleIds), true);
    }
}
