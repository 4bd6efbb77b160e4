package dev.berth.registry.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code REGISTRY_*} environment variables to the settings tree as registry:2 does:
 * each {@code _} descends one level ({@code REGISTRY_STORAGE_S3_BUCKET} sets
 * {@code storage.s3.bucket}), and {@code REGISTRY_STORAGE=s3} selects the storage driver.
 */
final class EnvOverrides {

    static final String PREFIX = "REGISTRY_";
    /** Names the config file, as in registry:2; not a setting. */
    static final String CONFIGURATION_PATH = "REGISTRY_CONFIGURATION_PATH";

    private EnvOverrides() {}

    /**
     * Writes every override into {@code root}.
     *
     * @return which variable set each key, for messages
     */
    static Map<String, String> apply(ObjectNode root, Map<String, String> env, ObjectMapper yaml, List<String> warnings) {
        Map<String, String> origin = new LinkedHashMap<>();
        // Sorted, so a parent such as REGISTRY_STORAGE is applied before REGISTRY_STORAGE_S3_BUCKET.
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || name.equals(CONFIGURATION_PATH)) {
                continue;
            }
            String[] path = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("_", -1);
            if (List.of(path).contains("")) {
                warnings.add(name + ": not a valid override name, ignored");
                continue;
            }
            JsonNode value = parseValue(e.getValue(), yaml);
            if (path.length == 1 && path[0].equals("storage") && value.isValueNode()) {
                StorageSection.selectDriver(objectAt(root, path, 1), value.asText().trim().toLowerCase(Locale.ROOT));
            } else {
                objectAt(root, path, path.length - 1).set(path[path.length - 1], value);
            }
            origin.put(String.join(".", path), name);
        }
        return origin;
    }

    /**
     * Environment values are YAML: a flow section ({@code {...}} or {@code [...]}) becomes a
     * tree and a quoted value is unquoted, when they parse; any other value is kept as written, so that
     * {@code 0123} stays {@code 0123} and typed reads parse {@code true} or {@code 5000} later.
     */
    private static JsonNode parseValue(String raw, ObjectMapper yaml) {
        String s = raw.trim();
        boolean flow = s.startsWith("{") || s.startsWith("[");
        boolean quoted = s.length() >= 2 && (s.startsWith("\"") || s.startsWith("'"));
        if (!flow && !quoted) {
            return TextNode.valueOf(raw);
        }
        try {
            return yaml.readTree(s);
        } catch (JsonProcessingException ex) {
            // Not YAML after all, such as the address [::1]:5000: the text is the value.
            return TextNode.valueOf(raw);
        }
    }

    /** The object at the first {@code depth} segments of {@code path}, created or replacing a scalar. */
    private static ObjectNode objectAt(ObjectNode root, String[] path, int depth) {
        ObjectNode node = root;
        for (int i = 0; i < depth; i++) {
            JsonNode child = node.get(path[i]);
            if (child instanceof ObjectNode object) {
                node = object;
            } else {
                node = node.putObject(path[i]);
            }
        }
        return node;
    }
}
