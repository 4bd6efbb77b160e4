package dev.berth.registry.http.handlers;

import dev.berth.registry.health.Health;
import dev.berth.registry.health.HealthAnswer;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RouteHandler;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} (liveness: what the load balancer checks; 503 while stopping or while the
 * disk is full, so that a push is not sent to an instance that can only refuse it) and
 * {@code GET /readyz} (liveness plus the cached storage check). Neither waits for storage.
 */
public final class HealthHandler implements RouteHandler {

    private final Supplier<Health.Status> check;

    public HealthHandler(Supplier<Health.Status> check) {
        this.check = check;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        if (!exchange.method().equals("GET") && !exchange.isHead()) {
            throw RouteHandler.unsupported(exchange, "GET, HEAD");
        }
        Health.Status status = check.get();
        exchange.send(HealthAnswer.status(status), "application/json", HealthAnswer.body(status));
    }
}
