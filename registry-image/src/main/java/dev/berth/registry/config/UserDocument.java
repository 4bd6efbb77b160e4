package dev.berth.registry.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.auth.AccessPolicy;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON document of {@code auth.aws.parameter}: the users, each with the secret that holds
 * its password and the groups it belongs to, and the rules in the shape of {@code auth.access}.
 * Read as strictly as {@code auth.access}: an unknown key, a user without a secret or a rule
 * naming an unknown group rejects the whole document.
 *
 * <pre>
 * {"users": {"admin": {"secret": "berth/users/admin", "groups": ["ops"]},
 *            "ci":    {"secret": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:berth/ci-AbCdEf"}},
 *  "access": {"admins": ["admin"],
 *             "groups": {"readers": ["ci"]},
 *             "rules": [{"repositories": ["apps/**"], "groups": ["ops"], "actions": ["pull", "push"]},
 *                       {"repositories": ["**"], "groups": ["readers"], "actions": ["pull"]}]}}
 * </pre>
 *
 * Without {@code access} every user of the document may do everything (registry:2's behaviour
 * without rules). A user's {@code groups} add the user to those groups beside the members listed
 * in {@code access.groups}.
 *
 * @param access empty when the document has no {@code access} section
 */
public record UserDocument(Map<String, User> users, Optional<AccessPolicy> access) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> KEYS = Set.of("users", "access");
    private static final Set<String> USER_KEYS = Set.of("secret", "groups");

    /** @param secret the name or ARN of the Secrets Manager secret whose SecretString is the password */
    public record User(String secret, Set<String> groups) {

        public User {
            groups = Set.copyOf(groups);
        }
    }

    public UserDocument {
        users = Map.copyOf(users);
    }

    /**
     * @param where names the document in messages (the parameter's name)
     * @throws ConfigException naming {@code where} and the key at fault
     */
    public static UserDocument parse(String json, String where) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new ConfigException(where + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode root)) {
            throw new ConfigException(where + ": must be a JSON object with users and access");
        }
        ConfigTree tree = new ConfigTree(root, Map.of());
        try {
            AccessSection.checkKeys(tree, "(document)", root, KEYS);
            Map<String, User> users = users(tree, root.get("users"));
            Map<String, Set<String>> memberships = new LinkedHashMap<>();
            users.forEach((name, user) -> user.groups().forEach(group ->
                    memberships.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(name)));
            JsonNode access = root.get("access");
            Optional<AccessPolicy> policy = access == null || access.isNull() ? Optional.empty()
                    : Optional.of(AccessSection.parse(tree, "access", access, memberships));
            return new UserDocument(users, policy);
        } catch (ConfigException e) {
            throw new ConfigException(where + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, User> users(ConfigTree tree, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw tree.fail("users", "required: an object mapping each user name to {\"secret\": ..., \"groups\": [...]}");
        }
        Map<String, User> users = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String name = e.getKey();
            String key = "users." + name;
            if (name.isBlank() || name.contains(":") || !name.strip().equals(name)) {
                throw tree.fail(key, "not a user name (blank, surrounding spaces or a colon, which Basic auth cannot carry)");
            }
            JsonNode user = e.getValue();
            if (!user.isObject()) {
                throw tree.fail(key, "must be {\"secret\": \"<secret name or ARN>\", \"groups\": [...]}");
            }
            AccessSection.checkKeys(tree, key, user, USER_KEYS);
            JsonNode secret = user.get("secret");
            if (secret == null || !secret.isTextual() || secret.asText().isBlank()) {
                throw tree.fail(key + ".secret", "required: the name or ARN of the secret holding the password");
            }
            users.put(name, new User(secret.asText().strip(), AccessSection.names(tree, key + ".groups",
                    user.get("groups"))));
        });
        return users;
    }
}
