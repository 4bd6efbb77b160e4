package dev.berth.cdk.access;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;


import dev.berth.cdk.Scenarios;
import dev.berth.cdk.Synth;
import dev.berth.cdk.service.RenderedContainer;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Users and rules as the stack renders them for the registry's {@code auth.aws}: one generated
 * secret per user, the access parameter naming them, the task role's read access to exactly those.
 */
class RegistryAccessTest {

    private static final String PARAMETER = "/berth/BerthRegistry/access";
    private final Template defaults = Scenarios.defaults().template();
    private final Template teams = Scenarios.teams().template();

    @Test
    void eachUserGetsAGeneratedPasswordSecretAndNoSecretValueIsInTheTemplate() {
        assertEquals(List.of("admin"), List.copyOf(TemplateAccess.userSecrets(defaults).values()));
        assertEquals(List.of("admin", "alice", "ci"), TemplateAccess.userSecrets(teams).values().stream().sorted().toList());
        for (Template t : List.of(defaults, teams)) {
            for (var secret : t.findResources("AWS::SecretsManager::Secret").entrySet()) {
                Object generator = at(secret.getValue(), "Properties", "GenerateSecretString");
                assertTrue(generator != null, secret.getKey() + " is not generated");
                assertEquals(null, at(secret.getValue(), "Properties", "SecretString"), secret.getKey());
                // A plain password, not a JSON object with a generated key.
                assertEquals(null, at(generator, "GenerateStringKey"), secret.getKey());
                assertEquals(null, at(generator, "SecretStringTemplate"), secret.getKey());
            }
            t.resourceCountIs("AWS::SecretsManager::SecretTargetAttachment", 0);
            for (String id : TemplateAccess.userSecrets(t).keySet()) {
                Map<String, Object> generator = map(at(t.findResources("AWS::SecretsManager::Secret").get(id),
                        "Properties", "GenerateSecretString"));
                assertEquals(Map.of("ExcludePunctuation", true, "IncludeSpace", false, "PasswordLength", 32),
                        generator);
                assertEquals("Delete", at(t.findResources("AWS::SecretsManager::Secret").get(id), "DeletionPolicy"));
            }
        }
    }

    @Test
    void defaultParameterHasOneAdminAndNoRules() {
        Map<String, Object> parameter = TemplateAccess.parameter(defaults);
        assertEquals(PARAMETER, parameter.get("Name"));
        assertEquals("String", parameter.get("Type"));
        String admin = TemplateAccess.userSecrets(defaults).keySet().iterator().next();
        assertEquals(Map.of(
                "users", Map.of("admin", Map.of("secret", "arn-of:" + admin, "groups", List.of())),
                "access", Map.of("admins", List.of("admin"), "groups", Map.of(), "rules", List.of())),
                TemplateAccess.document(defaults));
    }

    @Test
    void parameterHoldsUsersGroupsRulesAndAnonymousPullsInTheContractsFormat() {
        Map<String, String> secretOf = new LinkedHashMap<>();
        TemplateAccess.userSecrets(teams).forEach((id, user) -> secretOf.put(user, "arn-of:" + id));
        Map<String, Object> expected = TemplateAccess.json("""
                {"users": {
                   "admin": {"secret": "%s", "groups": []},
                   "ci":    {"secret": "%s", "groups": ["builders"]},
                   "alice": {"secret": "%s", "groups": ["team-a", "builders"]}},
                 "access": {
                   "admins": ["admin"],
                   "groups": {"builders": ["ci", "alice"], "team-a": ["alice"], "auditors": []},
                   "rules": [
                     {"repositories": ["team-a/**"], "actions": ["pull", "push"], "groups": ["team-a"]},
                     {"repositories": ["ci/*", "tools/**"], "actions": ["pull", "push", "delete"], "users": ["ci"]},
                     {"repositories": ["audit/**"], "actions": ["pull"], "groups": ["auditors"]},
                     {"repositories": ["**"], "actions": ["pull"], "authenticated": true},
                     {"repositories": ["public/**", "docs/*"], "actions": ["pull"], "anonymous": true}]}}
                """.formatted(secretOf.get("admin"), secretOf.get("ci"), secretOf.get("alice")));
        Map<String, Object> actual = TemplateAccess.document(teams);
        assertEquals(expected, actual);
        // Same order too: the rendered text never depends on hash order.
        assertEquals(List.of("admin", "ci", "alice"), List.copyOf(map(actual.get("users")).keySet()));
        assertEquals(List.of("builders", "team-a", "auditors"),
                List.copyOf(map(at(actual, "access", "groups")).keySet()));
    }

    @Test
    void aRuleNamingAGroupNoUserIsInIsAWarning() {
        var warnings = Annotations.fromStack(Scenarios.teams().stack())
                .findWarning("*", Match.stringLikeRegexp(
                        ".*accessRules\\[2\\].groups names \"auditors\", a group no user is in.*"));
        assertEquals(1, warnings.size());
        assertTrue(Annotations.fromStack(Scenarios.defaults().stack())
                .findWarning("*", Match.stringLikeRegexp(".*a group no user is in.*")).isEmpty());
    }

    @Test
    void taskRoleMayReadTheParameterAndThePasswordSecretsOnly() {
        for (Template t : List.of(defaults, teams)) {
            Object users = list(at(taskRole(t), "Properties", "Policies")).stream()
                    .filter(p -> "RegistryUsers".equals(at(p, "PolicyName"))).findFirst().orElseThrow();
            List<Object> statements = list(at(users, "PolicyDocument", "Statement"));
            assertEquals(2, statements.size());
            assertEquals("ssm:GetParameter", at(statements.get(0), "Action"));
            String parameterId = only(t, "AWS::SSM::Parameter").getKey();
            assertEquals(Map.of("Fn::Join", List.of("", List.of("arn:aws:ssm:us-east-1:",
                    Map.of("Ref", "AWS::AccountId"), ":parameter", Map.of("Ref", parameterId)))),
                    at(statements.get(0), "Resource"));
            assertEquals("secretsmanager:GetSecretValue", at(statements.get(1), "Action"));
            Object resource = at(statements.get(1), "Resource");
            List<Object> resources = resource instanceof List<?> l ? List.copyOf(l) : List.of(resource);
            assertEquals(TemplateAccess.userSecrets(t).size(), resources.size());
            assertEquals(TemplateAccess.userSecrets(t).keySet().stream().map(id -> (Object) Map.of("Ref", id))
                    .collect(java.util.stream.Collectors.toSet()), java.util.Set.copyOf(resources));
            for (Object s : statements) {
                assertEquals("Allow", at(s, "Effect"));
                assertEquals(null, at(s, "Condition"));
            }
        }
    }

    @Test
    void containerGetsTheParameterNameServiceAndSigningKeyButNoPassword() {
        Map<String, Object> env = RenderedContainer.environment(defaults);
        assertEquals(PARAMETER, env.get("REGISTRY_AUTH_AWS_PARAMETER"));
        assertEquals("BerthRegistry", env.get("REGISTRY_AUTH_BEARER_SERVICE"));
        assertFalse(env.containsKey("REGISTRY_AUTH_BEARER_REALM"), "without a domain the realm follows the Host");
        Map<String, Object> domain = RenderedContainer.environment(Scenarios.domainWithZone().template());
        assertEquals("https://" + Scenarios.DOMAIN + "/token", domain.get("REGISTRY_AUTH_BEARER_REALM"));
        assertEquals(Scenarios.DOMAIN, domain.get("REGISTRY_AUTH_BEARER_SERVICE"));
        for (var e : env.entrySet()) {
            assertFalse(e.getKey().matches(".*(PASSWORD|SIGNINGKEY|HTPASSWD|SECRET).*"), e.getKey());
            assertFalse(String.valueOf(e.getValue()).contains("AccessUser"), e.toString());
        }
        List<Object> secrets = list(at(RenderedContainer.definition(defaults), "Secrets"));
        String signingKey = (String) at(secrets.stream().filter(s -> "REGISTRY_AUTH_BEARER_SIGNINGKEY"
                .equals(at(s, "Name"))).findFirst().orElseThrow(), "ValueFrom", "Ref");
        assertEquals(64, at(defaults.findResources("AWS::SecretsManager::Secret").get(signingKey),
                "Properties", "GenerateSecretString", "PasswordLength"));
        assertFalse(TemplateAccess.userSecrets(defaults).containsKey(signingKey));
    }

    /**
     * Who may do what lives outside the task definition: new users and rules update the parameter,
     * the secrets and the role's policy in place, and ECS starts no new revision.
     */
    @Test
    void changingUsersAndRulesKeepsTheTaskDefinitionAndServiceAsTheyAre() {
        for (String type : List.of("AWS::ECS::TaskDefinition", "AWS::ECS::Service")) {
            var before = only(defaults, type);
            var after = only(teams, type);
            assertEquals(before.getKey(), after.getKey(), type + " logical id");
            assertEquals(before.getValue(), after.getValue(), type + " changed with the users");
        }
        var before = only(defaults, "AWS::SSM::Parameter");
        var after = only(teams, "AWS::SSM::Parameter");
        assertEquals(before.getKey(), after.getKey(), "the parameter is updated, not replaced");
        assertEquals(at(before.getValue(), "Properties", "Name"), at(after.getValue(), "Properties", "Name"));
        assertNotEquals(at(before.getValue(), "Properties", "Value"), at(after.getValue(), "Properties", "Value"));
        // The admin kept its secret (and so its password) while users were added around it.
        assertEquals(TemplateAccess.userSecrets(defaults).keySet().iterator().next(), TemplateAccess.userSecrets(teams).entrySet().stream()
                .filter(e -> e.getValue().equals("admin")).findFirst().orElseThrow().getKey());
    }

    @Test
    void moreUsersThanOneParameterHoldsFailSynthNamingTheSetting() {
        StringBuilder users = new StringBuilder("[{\"name\": \"admin\", \"admin\": true}");
        for (int i = 0; i < 60; i++) {
            users.append(", {\"name\": \"builder-").append(i).append("\"}");
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> Synth.fresh(Map.of("users", users.append("]").toString())));
        assertTrue(e.getMessage().startsWith("Invalid setting 'users': the users and accessRules come to about "),
                e.getMessage());
        assertTrue(e.getMessage().contains("more than the 8192 an SSM parameter holds"), e.getMessage());
    }

    private static Map<String, Object> taskRole(Template template) {
        Map<String, Map<String, Object>> roles = template.findResources("AWS::IAM::Role", Map.of("Properties",
                Map.of("Policies", Match.anyValue(), "AssumeRolePolicyDocument", Map.of("Statement", List.of(
                        Match.objectLike(Map.of("Principal", Map.of("Service", "ecs-tasks.amazonaws.com"))))))));
        assertEquals(1, roles.size(), roles.keySet().toString());
        return roles.values().iterator().next();
    }
}
