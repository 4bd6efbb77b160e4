package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.testing.RegistryClient;

/** Checks that an answer is one of the spec's error answers. */
public final class ErrorAssertions {

    private ErrorAssertions() {}

    /** Status, {@code errors[0].code}, a non-empty message and detail, JSON content type. */
    public static JsonNode assertError(RegistryClient.Response response, int status, String code) {
        assertEquals(status, response.status(), () -> "status of " + response);
        String type = response.header("Content-Type").orElse("");
        assertTrue(type.startsWith("application/json"), () -> "error Content-Type of " + response);
        JsonNode errors = response.json().path("errors");
        assertTrue(errors.isArray() && !errors.isEmpty(), () -> "no errors array in " + response);
        JsonNode first = errors.get(0);
        assertEquals(code, first.path("code").asText(), () -> "error code of " + response);
        assertFalse(first.path("message").asText("").isBlank(), () -> "empty message in " + response);
        JsonNode detail = first.path("detail");
        assertFalse(detail.isMissingNode() || detail.isNull() || detail.asText().isBlank() && !detail.isContainerNode(),
                () -> "empty detail in " + response);
        return first;
    }

    /** Any 4xx: a client error, never the registry's own failure. */
    public static void assertClientError(RegistryClient.Response response, String what) {
        assertTrue(response.status() >= 400 && response.status() < 500, () -> what + " answered " + response);
    }
}
