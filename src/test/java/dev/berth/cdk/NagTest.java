package dev.berth.cdk;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.services.s3.Bucket;

/** cdk-nag AwsSolutions and NIST 800-53 R5: nothing left unacknowledged, in every setting combination we ship. */
class NagTest {

    /** The rule id prefixes of the packs App.addChecks runs. */
    static final List<String> PACKS = List.of("AwsSolutions", "NIST.800.53.R5");

    static Stream<String> scenarios() {
        return Stream.of("defaults", "privateArmImported", "domainWithZone", "domainWithCertificate", "teams");
    }

    static Synth scenario(String name) {
        return switch (name) {
            case "defaults" -> Scenarios.defaults();
            case "privateArmImported" -> Scenarios.privateArmImported();
            case "domainWithZone" -> Scenarios.domainWithZone();
            case "domainWithCertificate" -> Scenarios.domainWithCertificate();
            case "teams" -> Scenarios.teams();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void awsSolutionsAndNistChecksLeaveNoFindings(String name) {
        Annotations annotations = Annotations.fromStack(scenario(name).stack());
        List<SynthesisMessage> findings = new java.util.ArrayList<>();
        for (String pack : PACKS) {
            findings.addAll(annotations.findError("*", Match.stringLikeRegexp(pack + "-.*")));
            findings.addAll(annotations.findWarning("*", Match.stringLikeRegexp(pack + "-.*")));
        }
        assertTrue(findings.isEmpty(), () -> findings.stream()
                .map(m -> m.getId() + ": " + m.getEntry().getData()).toList().toString());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyAcknowledgedFindingHasAWrittenReason(String name) {
        Map<String, Object> resources = Json.map(scenario(name).template().toJSON().get("Resources"));
        int acknowledged = 0;
        for (Object resource : resources.values()) {
            Object rules = at(resource, "Metadata", "cdk_nag", "rules_to_suppress");
            if (rules == null) {
                continue;
            }
            for (Object rule : list(rules)) {
                acknowledged++;
                String id = String.valueOf(at(rule, "id"));
                assertTrue(PACKS.stream().anyMatch(p -> id.startsWith(p + "-")), id);
                assertTrue(String.valueOf(at(rule, "reason")).length() >= 40, rule.toString());
            }
        }
        assertTrue(acknowledged > 0);
    }

    /** Proof that the gate bites: a bare bucket gets findings from both packs. */
    @Test
    void theChecksReportFindingsOnAnUnsafeResource() {
        App app = new App();
        Stack stack = new Stack(app, "Unsafe");
        new Bucket(stack, "Bare");
        dev.berth.cdk.App.addChecks(app);
        Annotations annotations = Annotations.fromStack(stack);
        assertFalse(annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-S1.*")).isEmpty());
        assertFalse(annotations.findError("*",
                Match.stringLikeRegexp("NIST.800.53.R5-S3BucketVersioningEnabled.*")).isEmpty());
        assertEquals("Unsafe", stack.getStackName());
    }
}
