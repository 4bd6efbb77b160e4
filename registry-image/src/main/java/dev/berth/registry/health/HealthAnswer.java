package dev.berth.registry.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A health check's answer: 200 {@code {"status":"ok"}}, or 503 with {@code "unavailable"} and the reason. */
public final class HealthAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthAnswer() {}

    public static int status(Health.Status status) {
        return status.ok() ? 200 : 503;
    }

    public static byte[] body(Health.Status status) {
        ObjectNode body = JSON.createObjectNode().put("status", status.ok() ? "ok" : "unavailable");
        if (!status.ok()) {
            body.put("detail", status.detail());
        }
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
