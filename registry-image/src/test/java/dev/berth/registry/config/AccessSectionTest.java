package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.Action;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.access}: read from config.yml and REGISTRY_* variables, and refused with the key when wrong. */
class AccessSectionTest {

    @TempDir
    Path dir;

    private ConfigFixture fixture;
    private String auth;

    @BeforeEach
    void setUp() {
        fixture = new ConfigFixture(dir);
        auth = """
                auth:
                  htpasswd:
                    realm: r
                    path: %s
                """.formatted(fixture.htpasswd());
    }

    private RegistryConfig load(String access) {
        return fixture.load(ConfigFixture.FILESYSTEM + auth + access.indent(2));
    }

    private String failure(String access) {
        return assertThrows(ConfigException.class, () -> load(access)).getMessage();
    }

    @Test
    void withoutTheSectionThereIsNoPolicy() {
        assertEquals(Optional.empty(), load("").access());
    }

    @Test
    void theSectionIsReadIntoAPolicy() {
        AccessPolicy policy = load("""
                access:
                  admins: [root]
                  groups:
                    team-a: [alice, bob]
                  rules:
                    - repositories: [team-a/**]
                      groups: [team-a]
                      actions: [pull, push]
                    - repositories: "public/*"
                      anonymous: true
                      actions: pull
                """).access().orElseThrow();
        assertEquals(Set.of(Action.PULL, Action.PUSH), policy.granted(Optional.of("bob"), "team-a/app/x"));
        assertEquals(Set.of(), policy.granted(Optional.of("bob"), "team-b/app"));
        assertEquals(Set.of(Action.PULL), policy.granted(Optional.empty(), "public/app"));
        assertEquals(Set.of(Action.PULL, Action.PUSH, Action.DELETE), policy.granted(Optional.of("root"), "x"));
    }

    @Test
    void theWholeSectionCanBeOneEnvironmentVariable() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM + auth, Map.of("REGISTRY_AUTH_ACCESS",
                "{admins: [root], rules: [{repositories: ['**'], authenticated: true, actions: [pull]}]}"));
        AccessPolicy policy = config.access().orElseThrow();
        assertEquals(Set.of(Action.PULL), policy.granted(Optional.of("anyone"), "a/b"));
        assertEquals(Set.of(), policy.granted(Optional.empty(), "a/b"));
    }

    @Test
    void oneKeyOfTheSectionCanBeAnEnvironmentVariable() {
        RegistryConfig config = fixture.load(ConfigFixture.FILESYSTEM + auth + """
                  access:
                    rules: []
                """, Map.of("REGISTRY_AUTH_ACCESS_ADMINS", "[root, ops]"));
        assertEquals(Set.of("root", "ops"), config.access().orElseThrow().admins());
    }

    @Test
    void anUnknownActionIsRefusedNamingTheRule() {
        assertEquals("auth.access.rules[0].actions: unknown action \"write\"; the actions are pull, push and delete",
                failure("""
                        access:
                          rules:
                            - repositories: ["**"]
                              users: [alice]
                              actions: [pull, write]
                        """));
    }

    @Test
    void aBadPatternIsRefusedNamingTheRule() {
        assertTrue(failure("""
                access:
                  rules:
                    - repositories: [team-a/x**]
                      users: [alice]
                      actions: [pull]
                """).startsWith("auth.access.rules[0].repositories: 'team-a/x**': ** must be a whole component"));
    }

    @Test
    void anUnknownGroupIsRefusedNamingTheKnownOnes() {
        assertEquals("auth.access.rules[1].groups: unknown group \"team-b\"; the groups of auth.access.groups are team-a",
                failure("""
                        access:
                          groups:
                            team-a: [alice]
                          rules:
                            - repositories: [team-a/**]
                              groups: [team-a]
                              actions: [pull]
                            - repositories: [team-b/**]
                              groups: [team-b]
                              actions: [pull]
                        """));
    }

    @Test
    void aMisspeltKeyIsRefusedRatherThanIgnored() {
        assertEquals("auth.access.admin: unknown key; auth.access has admins, groups, rules", failure("""
                access:
                  admin: [root]
                """));
        assertEquals("auth.access.rules[0].user: unknown key; auth.access.rules[0] has actions, anonymous,"
                + " authenticated, groups, repositories, users", failure("""
                access:
                  rules:
                    - repositories: ["**"]
                      user: [alice]
                      actions: [pull]
                """));
    }

    @Test
    void aRuleMustGrantToSomeoneAndSomething() {
        assertEquals("auth.access.rules[0]: grants to nobody: name users, groups, authenticated: true or anonymous:"
                + " true", failure("""
                access:
                  rules:
                    - repositories: ["**"]
                      actions: [pull]
                """));
        assertEquals("auth.access.rules[0].actions: required: at least one", failure("""
                access:
                  rules:
                    - repositories: ["**"]
                      users: [alice]
                """));
        assertEquals("auth.access.rules[0].anonymous: must be true or false, got \"yes please\"", failure("""
                access:
                  rules:
                    - repositories: ["**"]
                      anonymous: yes please
                      actions: [pull]
                """));
    }

    @Test
    void aVariableThatSetsABadRuleIsNamed() {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(ConfigFixture.FILESYSTEM + auth,
                Map.of("REGISTRY_AUTH_ACCESS", "{rules: [{repositories: ['**'], users: [a], actions: [pul]}]}")));
        assertTrue(e.getMessage().endsWith("(set by REGISTRY_AUTH_ACCESS)"), e.getMessage());
    }

    @Test
    void theSectionNeedsUsers() {
        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(ConfigFixture.FILESYSTEM + """
                auth:
                  access:
                    admins: [root]
                """));
        assertEquals("auth.access: needs auth.htpasswd: the rules grant to the users it holds", e.getMessage());
    }
}
