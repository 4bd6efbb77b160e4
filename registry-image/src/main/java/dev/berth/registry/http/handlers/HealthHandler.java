package dev.berth.registry.http.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /healthz}: for load balancer and container health checks. Fails when storage
 * cannot be read, and answers 503 while it cannot take writes (a full disk), so that a push
 * is not sent to an instance that can only refuse it.
 */
public final class HealthHandler implements RouteHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Storage storage;

    public HealthHandler(Storage storage) {
        this.storage = storage;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        if (!exchange.method().equals("GET") && !exchange.isHead()) {
            throw RouteHandler.unsupported(exchange, "GET, HEAD");
        }
        storage.read("healthz"); // any answer, found or not, proves storage is reachable
        Optional<String> writeProblem = storage.writeProblem();
        if (writeProblem.isPresent()) {
            exchange.send(503, "application/json", JSON.writeValueAsBytes(
                    JSON.createObjectNode().put("status", "unavailable").put("detail", writeProblem.get())));
            return;
        }
        exchange.send(200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
    }
}
