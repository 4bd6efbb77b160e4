package dev.berth.registry.http.handlers;

import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RouteHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /v2/}: tells clients this is a V2 registry. */
public final class BaseHandler implements RouteHandler {

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        switch (exchange.method()) {
            case "GET", "HEAD" -> exchange.send(200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            default -> throw RouteHandler.unsupported(exchange, "GET, HEAD");
        }
    }
}
