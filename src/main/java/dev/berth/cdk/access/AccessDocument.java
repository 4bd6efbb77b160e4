package dev.berth.cdk.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.berth.cdk.AccessSettings;

/**
 * The value of the registry's {@code auth.aws} parameter, as maps and lists in a fixed order (the
 * rendered JSON never depends on hash order):
 *
 * <pre>
 * {"users": {"admin": {"secret": "&lt;secret ARN&gt;", "groups": []},
 *            "ci":    {"secret": "&lt;secret ARN&gt;", "groups": ["builders"]}},
 *  "access": {"admins": ["admin"],
 *             "groups": {"builders": ["ci"]},
 *             "rules": [{"repositories": ["team-a/**"], "actions": ["pull", "push"], "groups": ["builders"]},
 *                       {"repositories": ["public/**"], "actions": ["pull"], "anonymous": true}]}}
 * </pre>
 *
 * {@code access} has the shape of the registry's {@code auth.access} section. Every group a rule
 * names is listed under {@code access.groups}, empty if no user is in it, because the registry
 * refuses a rule naming an undefined group; anonymous pulls are one last rule.
 */
public final class AccessDocument {

    private AccessDocument() {
    }

    /** @param secretOf a user's name to its password secret's ARN (a token in the stack) */
    public static Map<String, Object> of(AccessSettings settings, Function<String, String> secretOf) {
        Map<String, Object> users = new LinkedHashMap<>();
        for (AccessSettings.User user : settings.users()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("secret", secretOf.apply(user.name()));
            entry.put("groups", user.groups());
            users.put(user.name(), entry);
        }
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("admins", settings.users().stream().filter(AccessSettings.User::admin)
                .map(AccessSettings.User::name).toList());
        access.put("groups", settings.groups());
        List<Object> rules = new ArrayList<>();
        for (AccessSettings.Rule rule : settings.rules()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("repositories", rule.repositories());
            r.put("actions", rule.actions());
            if (!rule.users().isEmpty()) {
                r.put("users", rule.users());
            }
            if (!rule.groups().isEmpty()) {
                r.put("groups", rule.groups());
            }
            if (rule.authenticated()) {
                r.put("authenticated", true);
            }
            rules.add(r);
        }
        if (!settings.anonymousPull().isEmpty()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("repositories", settings.anonymousPull());
            r.put("actions", List.of("pull"));
            r.put("anonymous", true);
            rules.add(r);
        }
        access.put("rules", rules);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("users", users);
        document.put("access", access);
        return document;
    }
}
