package dev.berth.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.Action;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JSON document of {@code auth.aws.parameter}: its shape, group merging and strictness. */
class UserDocumentTest {

    private static final String WHERE = "auth.aws parameter /p";

    @Test
    void usersGroupsMergeWithTheAccessSectionsGroups() {
        UserDocument document = UserDocument.parse("""
                {"users": {"admin": {"secret": "berth/admin"},
                           "alice": {"secret": "arn:aws:secretsmanager:eu-west-1:1:secret:a-x", "groups": ["ops"]},
                           "bob": {"secret": "berth/bob"}},
                 "access": {"admins": ["admin"],
                            "groups": {"ops": ["bob"]},
                            "rules": [{"repositories": ["apps/**"], "groups": ["ops"], "actions": ["pull", "push"]}]}}
                """, WHERE);
        assertEquals("arn:aws:secretsmanager:eu-west-1:1:secret:a-x", document.users().get("alice").secret());
        AccessPolicy policy = document.access().orElseThrow();
        assertEquals(Set.of("alice", "bob"), policy.groups().get("ops"));
        assertTrue(policy.allows(Optional.of("alice"), "apps/web", Action.PUSH));
        assertTrue(policy.allows(Optional.of("bob"), "apps/web", Action.PUSH));
        assertFalse(policy.allows(Optional.of("bob"), "other", Action.PULL));
        assertTrue(policy.allows(Optional.of("admin"), "other", Action.DELETE));
    }

    @Test
    void aGroupOnlyTheUsersNameIsKnownToRulesAndAccessMayBeLeftOut() {
        UserDocument document = UserDocument.parse("""
                {"users": {"ci": {"secret": "s", "groups": ["builders"]}},
                 "access": {"rules": [{"repositories": ["**"], "groups": ["builders"], "actions": ["push"]}]}}
                """, WHERE);
        assertTrue(document.access().orElseThrow().allows(Optional.of("ci"), "x", Action.PUSH));
        assertEquals(Optional.empty(), UserDocument.parse("{\"users\": {}}", WHERE).access());
    }

    @Test
    void mistakesRejectTheWholeDocumentNamingWhereAndWhat() {
        assertTrue(message("{\"users\": {").startsWith(WHERE + ": not valid JSON: "));
        assertTrue(message("[]").contains("must be a JSON object"));
        assertTrue(message("{}").startsWith(WHERE + ": users: required"));
        assertTrue(message("{\"users\": {\"a\": {}}}").startsWith(WHERE + ": users.a.secret: required"));
        assertTrue(message("{\"users\": {\"a\": {\"secret\": \"s\", \"group\": [\"x\"]}}}")
                .startsWith(WHERE + ": users.a.group: unknown key"));
        assertTrue(message("{\"users\": {\"a:b\": {\"secret\": \"s\"}}}").startsWith(WHERE + ": users.a:b: not a user name"));
        assertTrue(message("{\"users\": {}, \"acess\": {}}").startsWith(WHERE + ": (document).acess: unknown key"));
        assertTrue(message("{\"users\": {}, \"access\": {\"rules\": [{\"repositories\": [\"**\"], \"groups\": [\"x\"],"
                + " \"actions\": [\"pull\"]}]}}").startsWith(WHERE + ": access.rules[0].groups: unknown group \"x\""));
        assertTrue(message("{\"users\": {\"a\": {\"secret\": \"s\"}, \"a\": {\"secret\": \"t\"}}}")
                .contains("Duplicate field 'a'"));
    }

    private static String message(String json) {
        return assertThrows(ConfigException.class, () -> UserDocument.parse(json, WHERE)).getMessage();
    }
}
