package dev.berth.cdk;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.assertions.Template;

/** Small typed views into a synthesized template, so tests read like the CloudFormation they check. */
public final class Json {

    private Json() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    /** Walks nested maps by key, e.g. {@code at(resource, "Properties", "Name")}. */
    public static Object at(Object root, String... keys) {
        Object o = root;
        for (String key : keys) {
            o = o == null ? null : map(o).get(key);
        }
        return o;
    }

    /** The only resource of a type, as {logicalId -> resource}; fails unless there is exactly one. */
    public static Map.Entry<String, Object> only(Template template, String type) {
        Map<String, Map<String, Object>> found = template.findResources(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + ", found " + found.keySet());
        }
        var e = found.entrySet().iterator().next();
        return Map.entry(e.getKey(), e.getValue());
    }

    public static Map<String, Object> onlyProps(Template template, String type) {
        return map(at(only(template, type).getValue(), "Properties"));
    }

    public static Map<String, Object> ref(String logicalId) {
        return Map.of("Ref", logicalId);
    }

    public static Map<String, Object> getAtt(String logicalId, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
    }
}
