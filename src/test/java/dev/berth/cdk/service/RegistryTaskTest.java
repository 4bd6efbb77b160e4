package dev.berth.cdk.service;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The task: its role, secret, container settings and logs, as the synthesized stack renders them. */
class RegistryTaskTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Template custom = Scenarios.privateArmImported().template();

    /** The task role: the only role ECS tasks assume that carries an inline policy. */
    static Map.Entry<String, Map<String, Object>> taskRole(Template template) {
        Map<String, Map<String, Object>> roles = template.findResources("AWS::IAM::Role", Map.of("Properties",
                Map.of("Policies", Match.anyValue(), "AssumeRolePolicyDocument", Map.of("Statement", List.of(
                        Match.objectLike(Map.of("Principal", Map.of("Service", "ecs-tasks.amazonaws.com"))))))));
        assertEquals(1, roles.size(), roles.keySet().toString());
        return roles.entrySet().iterator().next();
    }

    static Map<String, Object> renderedEnvironment(Template template) {
        return RenderedContainer.environment(template);
    }

    static Map<String, Object> container(Template template) {
        return RenderedContainer.definition(template);
    }

    @Test
    void taskRoleGrantsExactlyTheRegistryS3ActionsOnItsBucket() {
        String bucket = StorageIds.imageBucket(defaults);
        Map<String, Object> role = taskRole(defaults).getValue();
        List<Object> policies = list(at(role, "Properties", "Policies"));
        assertEquals(List.of("RegistryStorage", "RegistryUsers"), policies.stream().map(p -> at(p, "PolicyName"))
                .toList());
        List<Object> statements = list(at(policies.get(0), "PolicyDocument", "Statement"));
        assertEquals(2, statements.size());
        assertEquals(List.of("s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"),
                at(statements.get(0), "Action"));
        assertEquals(Map.of("Fn::GetAtt", List.of(bucket, "Arn")), at(statements.get(0), "Resource"));
        assertEquals(List.of("s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject",
                "s3:ListMultipartUploadParts", "s3:PutObject"), at(statements.get(1), "Action"));
        assertEquals(Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of(bucket, "Arn")), "/*"))),
                at(statements.get(1), "Resource"));
        for (Object s : statements) {
            assertEquals("Allow", at(s, "Effect"));
            assertEquals(null, at(s, "Condition"));
        }
    }

    @Test
    void nothingElseIsAttachedToTheTaskRoleButEcsExec() {
        String role = taskRole(defaults).getKey();
        // CDK writes ECS Exec's statements (RegistryServiceTest checks them) into a policy of its own.
        var attached = defaults.findResources("AWS::IAM::Policy", Map.of("Properties",
                Map.of("Roles", Match.arrayWith(List.of(Map.of("Ref", role))))));
        assertEquals(1, attached.size());
        String actions = String.valueOf(at(attached.values().iterator().next(), "Properties", "PolicyDocument"));
        assertFalse(actions.contains("s3:") || actions.contains("secretsmanager:") || actions.contains("ssm:"), actions);
        assertEquals(null, at(taskRole(defaults).getValue(), "Properties", "ManagedPolicyArns"));
    }

    @Test
    void importedBucketIsGrantedByName() {
        List<Object> statements = list(at(list(at(taskRole(custom).getValue(), "Properties", "Policies")).get(0),
                "PolicyDocument", "Statement"));
        assertEquals("arn:aws:s3:::" + Scenarios.EXISTING_BUCKET, at(statements.get(0), "Resource"));
        assertEquals("arn:aws:s3:::" + Scenarios.EXISTING_BUCKET + "/*", at(statements.get(1), "Resource"));
    }

    @Test
    void noIamUsersNoAccessKeysNoWildcardS3Actions() {
        for (Template t : List.of(defaults, custom)) {
            t.resourceCountIs("AWS::IAM::User", 0);
            t.resourceCountIs("AWS::IAM::AccessKey", 0);
            String json = t.toJSON().toString();
            assertFalse(json.contains("AWS_ACCESS_KEY_ID") || json.contains("AWS_SECRET_ACCESS_KEY"));
            for (Object statement : allowStatements(t)) {
                Object action = at(statement, "Action");
                List<Object> actions = action instanceof List<?> l ? List.copyOf(l) : List.of(action);
                for (Object a : actions) {
                    String name = String.valueOf(a);
                    assertFalse(name.equals("*") || name.startsWith("s3:") && name.contains("*"), statement.toString());
                }
            }
        }
    }

    @Test
    void containerGetsRegistrySettingsAsPlainEnvironment() {
        Map<String, Object> expected = new TreeMap<>();
        expected.put("REGISTRY_AUTH_AWS_PARAMETER", "/berth/BerthRegistry/access");
        expected.put("REGISTRY_AUTH_BEARER_SERVICE", "BerthRegistry");
        expected.put("REGISTRY_HTTP_ADDR", ":5000");
        expected.put("REGISTRY_HTTP_DRAINTIMEOUT", "110s");
        expected.put("REGISTRY_LIMITS_TRUSTFORWARDEDFOR", "true");
        expected.put("REGISTRY_LOG_LEVEL", "info");
        expected.put("REGISTRY_STORAGE", "s3");
        expected.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        expected.put("REGISTRY_STORAGE_S3_BUCKET", Map.of("Ref", StorageIds.imageBucket(defaults)));
        expected.put("REGISTRY_STORAGE_S3_REGION", "us-east-1");
        Map<String, Object> env = renderedEnvironment(defaults);
        assertEquals(expected, env);
        // Rendered in sorted order: the template never depends on map iteration.
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(env.keySet()));
        assertEquals(Scenarios.EXISTING_BUCKET, renderedEnvironment(custom).get("REGISTRY_STORAGE_S3_BUCKET"));
    }

    @Test
    void uploadStateSecretAndTokenKeyAreGeneratedAndPassedAsEcsSecrets() {
        String httpSecret = secretDescribed(defaults,
                "Berth registry: HMAC secret for upload state (REGISTRY_HTTP_SECRET)");
        String signingKey = secretDescribed(defaults,
                "Berth registry: HMAC key of its bearer tokens (REGISTRY_AUTH_BEARER_SIGNINGKEY)");
        for (String id : List.of(httpSecret, signingKey)) {
            Map<String, Object> secret = defaults.findResources("AWS::SecretsManager::Secret").get(id);
            assertEquals(64, at(secret, "Properties", "GenerateSecretString", "PasswordLength"));
            assertEquals(null, at(secret, "Properties", "SecretString"));
        }
        assertEquals(List.of(
                Map.of("Name", "REGISTRY_AUTH_BEARER_SIGNINGKEY", "ValueFrom", Map.of("Ref", signingKey)),
                Map.of("Name", "REGISTRY_HTTP_SECRET", "ValueFrom", Map.of("Ref", httpSecret))),
                container(defaults).get("Secrets"));
        for (String name : RenderedContainer.secretNames(defaults)) {
            assertFalse(renderedEnvironment(defaults).containsKey(name), name);
        }
    }

    /** The logical id of the one secret with this description. */
    static String secretDescribed(Template template, String description) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::SecretsManager::Secret",
                Map.of("Properties", Match.objectLike(Map.of("Description", description))));
        assertEquals(1, found.size(), description + ": " + found.keySet());
        return found.keySet().iterator().next();
    }

    @Test
    void containerListensOnPort5000BehindDynamicHostPortsAndLogsToCloudWatch() {
        Map<String, Object> c = container(defaults);
        assertEquals("registry", c.get("Name"));
        assertEquals(List.of(Map.of("ContainerPort", 5000, "HostPort", 0, "Protocol", "tcp")), c.get("PortMappings"));
        assertEquals("bridge", onlyProps(defaults, "AWS::ECS::TaskDefinition").get("NetworkMode"));
        assertEquals("awslogs", at(c, "LogConfiguration", "LogDriver"));
        String logGroup = String.valueOf(at(c, "LogConfiguration", "Options", "awslogs-group", "Ref"));
        assertEquals(30, ((Number) at(defaults.findResources("AWS::Logs::LogGroup").get(logGroup),
                "Properties", "RetentionInDays")).intValue());
        assertTrue(String.valueOf(c.get("Image")).contains("container-assets"), "image comes from the asset");
    }

    @Test
    void aLeavingTaskLetsLongPushesFinish() {
        // The ALB drains the target, then SIGTERM lets the registry drain as long again, and
        // ECS kills it only after that: each step longer than the one before.
        Map<String, Object> tg = onlyProps(defaults, "AWS::ElasticLoadBalancingV2::TargetGroup");
        Map<String, Object> attributes = new TreeMap<>();
        list(tg.get("TargetGroupAttributes")).forEach(a -> attributes.put((String) at(a, "Key"), at(a, "Value")));
        assertEquals("110", attributes.get("deregistration_delay.timeout_seconds"));
        assertEquals("110s", renderedEnvironment(defaults).get("REGISTRY_HTTP_DRAINTIMEOUT"));
        assertEquals(120, container(defaults).get("StopTimeout"));
    }

    /** Allow statements of every IAM policy and inline role policy (bucket policies' TLS denies are not grants). */
    static List<Object> allowStatements(Template template) {
        List<Object> statements = new ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            statements.addAll(list(at(policy, "Properties", "PolicyDocument", "Statement")));
        }
        for (Map<String, Object> role : template.findResources("AWS::IAM::Role").values()) {
            Object inline = at(role, "Properties", "Policies");
            for (Object p : inline == null ? List.of() : list(inline)) {
                statements.addAll(list(at(p, "PolicyDocument", "Statement")));
            }
        }
        assertFalse(statements.isEmpty());
        return statements.stream().filter(s -> "Allow".equals(at(s, "Effect"))).toList();
    }
}
