package dev.berth.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.AccessRule;
import dev.berth.registry.auth.Action;
import dev.berth.registry.auth.RepositoryPattern;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code auth.access}: Berth's per-repository permissions (registry:2 has none). Read whole and
 * strictly: a misspelt key could silently grant less or more than meant, so every unknown key,
 * action, group or malformed pattern stops the start with a message naming it.
 *
 * <pre>
 * auth:
 *   access:
 *     admins: [alice]
 *     groups:
 *       team-a: [bob, carol]
 *     rules:
 *       - repositories: [team-a/**]
 *         groups: [team-a]
 *         actions: [pull, push]
 *       - repositories: [public/**]
 *         anonymous: true
 *         actions: [pull]
 * </pre>
 */
final class AccessSection {

    static final String KEY = "auth.access";
    private static final Set<String> SECTION_KEYS = Set.of("admins", "groups", "rules");
    private static final Set<String> RULE_KEYS = Set.of("repositories", "users", "groups", "authenticated",
            "anonymous", "actions");

    private AccessSection() {}

    /** Empty when the section is absent: then every authenticated user may do everything, as in registry:2. */
    static Optional<AccessPolicy> read(ConfigTree tree) {
        Optional<JsonNode> section = tree.node(KEY);
        if (section.isEmpty()) {
            return Optional.empty();
        }
        if (!tree.has("auth.htpasswd")) {
            throw tree.fail(KEY, "needs auth.htpasswd: the rules grant to the users it holds");
        }
        return Optional.of(parse(tree, KEY, section.get(), Map.of()));
    }

    /**
     * An access section at {@code key} of {@code tree} (the config's, or the {@code auth.aws}
     * parameter's document), strictly.
     *
     * @param memberships more members per group (the document's users name their groups), merged
     *     with the section's own groups before rules are checked against them
     */
    static AccessPolicy parse(ConfigTree tree, String key, JsonNode node, Map<String, Set<String>> memberships) {
        if (!node.isObject()) {
            throw tree.fail(key, "must be a section with admins, groups and rules");
        }
        checkKeys(tree, key, node, SECTION_KEYS);
        Set<String> admins = names(tree, key + ".admins", node.get("admins"));
        Map<String, Set<String>> groups = groups(tree, key, node.get("groups"));
        memberships.forEach((group, members) -> groups.computeIfAbsent(group, g -> new LinkedHashSet<>())
                .addAll(members));
        List<AccessRule> rules = new ArrayList<>();
        JsonNode list = node.get("rules");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw tree.fail(key + ".rules", "must be a list of rules");
            }
            for (int i = 0; i < list.size(); i++) {
                rules.add(rule(tree, key, key + ".rules[" + i + "]", list.get(i), groups.keySet()));
            }
        }
        return new AccessPolicy(admins, groups, rules);
    }

    private static Map<String, Set<String>> groups(ConfigTree tree, String section, JsonNode node) {
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return groups;
        }
        if (!node.isObject()) {
            throw tree.fail(section + ".groups", "must map each group name to a list of users");
        }
        node.fields().forEachRemaining(e -> groups.put(e.getKey(),
                names(tree, section + ".groups." + e.getKey(), e.getValue())));
        return groups;
    }

    private static AccessRule rule(ConfigTree tree, String section, String key, JsonNode node,
            Set<String> knownGroups) {
        if (node == null || !node.isObject()) {
            throw tree.fail(key, "must be a rule with repositories, actions and whom they are granted to");
        }
        checkKeys(tree, key, node, RULE_KEYS);
        List<RepositoryPattern> repositories = new ArrayList<>();
        for (String pattern : required(tree, key + ".repositories", node.get("repositories"))) {
            try {
                repositories.add(RepositoryPattern.parse(pattern));
            } catch (IllegalArgumentException e) {
                throw tree.fail(key + ".repositories", e.getMessage());
            }
        }
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String name : required(tree, key + ".actions", node.get("actions"))) {
            actions.add(Action.named(name).orElseThrow(() -> tree.fail(key + ".actions",
                    "unknown action \"" + name + "\"; the actions are pull, push and delete")));
        }
        Set<String> users = names(tree, key + ".users", node.get("users"));
        Set<String> groups = names(tree, key + ".groups", node.get("groups"));
        for (String group : groups) {
            if (!knownGroups.contains(group)) {
                throw tree.fail(key + ".groups", "unknown group \"" + group + "\"; " + (knownGroups.isEmpty()
                        ? "no groups are defined in " + section + ".groups"
                        : "the groups of " + section + ".groups are " + String.join(", ", knownGroups)));
            }
        }
        boolean authenticated = bool(tree, key + ".authenticated", node.get("authenticated"));
        boolean anonymous = bool(tree, key + ".anonymous", node.get("anonymous"));
        if (users.isEmpty() && groups.isEmpty() && !authenticated && !anonymous) {
            throw tree.fail(key, "grants to nobody: name users, groups, authenticated: true or anonymous: true");
        }
        return new AccessRule(repositories, users, groups, authenticated, anonymous, actions);
    }

    private static Set<String> required(ConfigTree tree, String key, JsonNode node) {
        Set<String> values = names(tree, key, node);
        if (values.isEmpty()) {
            throw tree.fail(key, "required: at least one");
        }
        return values;
    }

    /** A list of non-blank names; a single value counts as a list of one. */
    static Set<String> names(ConfigTree tree, String key, JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return names;
        }
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        for (JsonNode item : items) {
            if (!item.isValueNode() || item.asText().isBlank()) {
                throw tree.fail(key, "must be a list of names, got " + item);
            }
            names.add(item.asText().trim());
        }
        return names;
    }

    private static boolean bool(ConfigTree tree, String key, JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        return switch (node.isValueNode() ? node.asText().trim().toLowerCase(Locale.ROOT) : "") {
            case "true" -> true;
            case "false" -> false;
            default -> throw tree.fail(key, "must be true or false, got " + node);
        };
    }

    static void checkKeys(ConfigTree tree, String key, JsonNode node, Set<String> allowed) {
        node.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw tree.fail(key + "." + name, "unknown key; " + key + " has " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        });
    }
}
