package dev.berth.registry.http.handlers;

import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.storage.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /healthz}: for load balancer and container health checks; fails when storage cannot be read. */
public final class HealthHandler implements RouteHandler {

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
        exchange.send(200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
    }
}
