package dev.berth.registry.http.handlers;

import dev.berth.registry.auth.Action;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.content.Page;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.http.ErrorCode;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.Pagination;
import dev.berth.registry.http.RegistryException;
import dev.berth.registry.http.RouteHandler;
import java.io.IOException;

/** {@code GET /v2/<name>/tags/list}: the repository's tags in lexical order, paginated. */
public final class TagsHandler implements RouteHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RepositoryManifests manifests;

    public TagsHandler(RepositoryManifests manifests) {
        this.manifests = manifests;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        if (!exchange.method().equals("GET")) {
            throw RouteHandler.unsupported(exchange, "GET");
        }
        exchange.access().require(name, Action.PULL);
        Pagination pagination = Pagination.of(exchange);
        if (!manifests.repositoryExists(name)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + name + " does not exist");
        }
        Page<String> page = Page.of(manifests.tags(name), pagination.last(), pagination.limit());
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        page.items().forEach(body.putArray("tags")::add);
        pagination.addLink(exchange, "/v2/" + name + "/tags/list", page);
        exchange.send(200, "application/json", JSON.writeValueAsBytes(body));
    }
}
