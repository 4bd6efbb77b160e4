package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.berth.cdk.AccessSettings.Rule;
import dev.berth.cdk.AccessSettings.User;

/** The users, accessRules and anonymousPull settings: typed from cdk.json or -c, refused with the key named. */
class AccessSettingsTest {

    @Test
    void cdkJsonDefaultIsOneAdminNamedAdminAndNothingElse() {
        AccessSettings access = Synth.settings(Map.of()).access();
        assertEquals(List.of(new User("admin", true, List.of())), access.users());
        assertEquals(List.of(), access.rules());
        assertEquals(List.of(), access.anonymousPull());
        assertEquals(List.of(), access.warnings());
    }

    @Test
    void withoutTheKeysTheDefaultIsTheSameAdmin() {
        Map<String, Object> context = new LinkedHashMap<>(Synth.cdkJsonContext());
        AccessSettings.KEYS.forEach(context::remove);
        assertEquals(AccessSettings.DEFAULT, Settings.from(context::get).access());
    }

    @Test
    void typedJsonFromCdkJsonIsRead() {
        Map<String, Object> context = new LinkedHashMap<>(Synth.cdkJsonContext());
        context.put("users", List.of(Map.of("name", "admin", "admin", true),
                Map.of("name", "ci", "groups", List.of("builders"))));
        context.put("accessRules", List.of(Map.of("repositories", "team-a/**", "actions", List.of("pull", "push"),
                "groups", List.of("builders"))));
        context.put("anonymousPull", List.of("public/**"));
        AccessSettings access = Settings.from(context::get).access();
        assertEquals(List.of(new User("admin", true, List.of()), new User("ci", false, List.of("builders"))),
                access.users());
        assertEquals(List.of(new Rule(List.of("team-a/**"), List.of("pull", "push"), List.of(), List.of("builders"),
                false)), access.rules());
        assertEquals(List.of("public/**"), access.anonymousPull());
        assertEquals(Map.of("builders", List.of("ci")), access.groups());
    }

    @Test
    void jsonStringsFromTheCommandLineAreRead() {
        AccessSettings access = Synth.settings(Map.of("users", Scenarios.TEAM_USERS, "accessRules",
                Scenarios.TEAM_RULES, "anonymousPull", "[\"public/**\"]")).access();
        assertEquals(List.of("admin", "ci", "alice"), access.users().stream().map(User::name).toList());
        assertEquals(4, access.rules().size());
        assertTrue(access.rules().get(3).authenticated());
        assertEquals(List.of("public/**"), access.anonymousPull());
        assertEquals(List.of("public/**", "docs/*"),
                Synth.settings(Map.of("anonymousPull", " public/** , docs/*")).access().anonymousPull());
    }

    @Test
    void aRuleGroupThatNoUserIsInIsAWarningNotAnError() {
        AccessSettings access = Synth.settings(Map.of("accessRules",
                "[{\"repositories\": \"audit/**\", \"actions\": [\"pull\"], \"groups\": [\"auditors\"]}]")).access();
        assertEquals(1, access.warnings().size());
        assertTrue(access.warnings().get(0).contains("accessRules[0].groups names \"auditors\", a group no user is in"),
                access.warnings().get(0));
        assertEquals(Map.of("auditors", List.of()), access.groups());
    }

    /** Each mistake names the key (down to the list index) and what is allowed instead. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "users         | '[{\"name\": \"ad min\", \"admin\": true}]'                 | users[0].name          | letters, digits",
        "users         | '[{\"name\": \"1st\", \"admin\": true}]'                    | users[0].name          | starting with a letter",
        "users         | '[{\"admin\": true}]'                                       | users[0].name          | letters, digits",
        "users         | '[{\"name\": \"a\", \"admin\": true}, {\"name\": \"A\"}]'   | users[1].name          | a name no other user has",
        "users         | '[{\"name\": \"a\", \"admin\": \"yes\"}]'                   | users[0].admin         | true or false",
        "users         | '[{\"name\": \"a\", \"admin\": true, \"group\": [\"x\"]}]'  | users[0].group         | no such key",
        "users         | '[{\"name\": \"a\", \"admin\": true, \"groups\": [\"x y\"]}]' | users[0].groups      | letters, digits",
        "users         | '[{\"name\": \"ci\"}]'                                      | users                  | at least one admin",
        "users         | '[]'                                                        | users                  | a non-empty JSON list",
        "users         | '[{name: admin}]'                                           | users                  | JSON",
        "accessRules   | '[{\"repositories\": \"a/**\", \"actions\": [\"write\"], \"users\": [\"admin\"]}]' | accessRules[0].actions | pull, push, delete",
        "accessRules   | '[{\"repositories\": \"a/**\", \"actions\": [\"pull\"]}]'   | accessRules[0]         | a rule that grants to someone",
        "accessRules   | '[{\"repositories\": \"a/**\", \"actions\": [\"pull\"], \"users\": [\"bob\"]}]' | accessRules[0].users | a user of the users setting (admin)",
        "accessRules   | '[{\"repositories\": \"A/**\", \"actions\": [\"pull\"], \"users\": [\"admin\"]}]' | accessRules[0].repositories | repository patterns",
        "accessRules   | '[{\"repositories\": \"a/b**\", \"actions\": [\"pull\"], \"users\": [\"admin\"]}]' | accessRules[0].repositories | repository patterns",
        "accessRules   | '[{\"actions\": [\"pull\"], \"users\": [\"admin\"]}]'       | accessRules[0].repositories | at least one value",
        "accessRules   | '[{\"repositories\": \"a/*\", \"actions\": [\"pull\"], \"anonymous\": true}]' | accessRules[0].anonymous | no such key",
        "accessRules   | '{\"repositories\": \"a/*\"}'                               | accessRules            | a JSON list of rules",
        "anonymousPull | 'public//x'                                                 | anonymousPull          | repository patterns",
    })
    void badAccessSettingFailsNamingKeyAndAllowedValues(String setting, String value, String key, String allowed) {
        var e = assertThrows(IllegalArgumentException.class, () -> Synth.settings(Map.of(setting, value)));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(allowed), e.getMessage());
    }
}
