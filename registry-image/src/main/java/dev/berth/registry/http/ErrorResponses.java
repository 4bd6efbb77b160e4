package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/** Renders errors as the spec's JSON: {@code {"errors":[{"code","message","detail"}]}}. */
final class ErrorResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {}

    static void send(Exchange exchange, RegistryException error) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode errors = body.putArray("errors");
        ObjectNode entry = errors.addObject();
        entry.put("code", error.code().name());
        entry.put("message", error.message());
        entry.put("detail", error.detail());
        for (Map.Entry<String, String> header : error.headers().entrySet()) {
            exchange.header(header.getKey(), header.getValue());
        }
        exchange.send(error.status(), "application/json", JSON.writeValueAsBytes(body));
    }
}
