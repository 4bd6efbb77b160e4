package dev.berth.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of the merged settings tree, addressed by dotted keys. Every failure names the
 * full key, and the environment variable when one set it, so the operator knows what to fix.
 * Scalars may be text (environment values are kept as written), so numbers and booleans are
 * parsed from text as well.
 */
final class ConfigTree {

    private final ObjectNode root;
    private final Map<String, String> envOrigin;

    ConfigTree(ObjectNode root, Map<String, String> envOrigin) {
        this.root = root;
        this.envOrigin = envOrigin;
    }

    ObjectNode root() {
        return root;
    }

    /** The node at {@code key}; empty when absent or written as an empty value. */
    Optional<JsonNode> node(String key) {
        JsonNode n = root;
        for (String part : key.split("\\.")) {
            n = n.path(part);
        }
        return n.isMissingNode() || n.isNull() ? Optional.empty() : Optional.of(n);
    }

    boolean has(String key) {
        return node(key).isPresent();
    }

    Optional<String> string(String key) {
        return node(key).map(n -> {
            if (!n.isValueNode()) {
                throw fail(key, "must be a single value, not a section or list");
            }
            return n.asText();
        });
    }

    String string(String key, String otherwise) {
        return string(key).orElse(otherwise);
    }

    /** A value that must be present and not blank. */
    String required(String key, String why) {
        return string(key).filter(s -> !s.isBlank()).orElseThrow(() -> fail(key, why));
    }

    boolean bool(String key, boolean otherwise) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return otherwise;
        }
        return switch (text.get().trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw fail(key, "must be true or false, got \"" + text.get() + "\"");
        };
    }

    long number(String key, long otherwise) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            return Long.parseLong(text.get().trim());
        } catch (NumberFormatException e) {
            throw fail(key, "must be a whole number, got \"" + text.get() + "\"");
        }
    }

    Duration duration(String key, Duration otherwise) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            return GoDuration.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw fail(key, e.getMessage());
        }
    }

    /** A failure at {@code key}, naming the environment variable that set it or a section holding it, if any. */
    ConfigException fail(String key, String problem) {
        String origin = null;
        for (String k = key; origin == null && !k.isEmpty(); k = k.substring(0, Math.max(0,
                Math.max(k.lastIndexOf('.'), k.lastIndexOf('['))))) {
            origin = envOrigin.get(k);
        }
        return ConfigException.at(key, origin == null ? problem : problem + " (set by " + origin + ")");
    }
}
