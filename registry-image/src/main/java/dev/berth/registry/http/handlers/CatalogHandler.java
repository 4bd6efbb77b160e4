package dev.berth.registry.http.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.Page;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.Pagination;
import dev.berth.registry.http.RouteHandler;
import java.io.IOException;

/**
 * {@code GET /v2/_catalog}: repository names, paginated with {@code n}, {@code last} and {@code Link};
 * only those the caller may pull, filtered before paging so that pages stay full.
 */
public final class CatalogHandler implements RouteHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Catalog catalog;

    public CatalogHandler(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        if (!exchange.method().equals("GET")) {
            throw RouteHandler.unsupported(exchange, "GET");
        }
        exchange.access().requireCatalog();
        Pagination pagination = Pagination.of(exchange);
        Page<String> page = catalog.list(pagination.last(), pagination.limit(), exchange.access()::lists);
        ObjectNode body = JSON.createObjectNode();
        page.items().forEach(body.putArray("repositories")::add);
        pagination.addLink(exchange, "/v2/_catalog", page);
        exchange.send(200, "application/json", JSON.writeValueAsBytes(body));
    }
}
