package dev.berth.cdk.access;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/** The registry's access document (the {@code auth.aws} SSM parameter) and the user secrets, read from a synthesized template. */
public final class TemplateAccess {

    private TemplateAccess() {
    }

    /** The users' password secrets, logical id to user name (from their description). */
    public static Map<String, String> userSecrets(Template template) {
        Map<String, String> users = new LinkedHashMap<>();
        template.findResources("AWS::SecretsManager::Secret").forEach((id, secret) -> {
            String description = String.valueOf(at(secret, "Properties", "Description"));
            String prefix = "Berth registry: password of user ";
            if (description.startsWith(prefix)) {
                users.put(id, description.substring(prefix.length()));
            }
        });
        return users;
    }

    public static Map<String, Object> parameter(Template template) {
        return map(at(only(template, "AWS::SSM::Parameter").getValue(), "Properties"));
    }

    /**
     * The parameter's JSON with each secret's ARN written as {@code arn-of:<logicalId>}: the value
     * is a Fn::Join of literal JSON text and Refs, and every Ref must be a user's password secret
     * (a Ref returns a secret's ARN), placed inside a JSON string.
     */
    public static Map<String, Object> document(Template template) {
        Object value = parameter(template).get("Value");
        StringBuilder text = new StringBuilder();
        List<Object> parts = new ArrayList<>();
        if (value instanceof String s) {
            parts.add(s);
        } else {
            List<Object> join = list(at(value, "Fn::Join"));
            assertEquals("", join.get(0));
            parts.addAll(list(join.get(1)));
        }
        Map<String, String> users = userSecrets(template);
        for (Object part : parts) {
            if (part instanceof String s) {
                text.append(s);
            } else {
                String ref = (String) at(part, "Ref");
                assertTrue(users.containsKey(ref), "the parameter refers to " + part + ", not a user's secret");
                assertTrue(text.toString().endsWith("\"secret\":\""), "a secret ARN outside a \"secret\" value");
                text.append("arn-of:").append(ref);
            }
        }
        return json(text.toString());
    }

    static Map<String, Object> json(String text) {
        try {
            return new ObjectMapper().readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
