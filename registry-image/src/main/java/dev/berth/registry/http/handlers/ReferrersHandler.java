package dev.berth.registry.http.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.http.Digests;
import dev.berth.registry.http.Exchange;
import dev.berth.registry.http.RouteHandler;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.io.IOException;
import java.util.Optional;

/** {@code GET /v2/<name>/referrers/<digest>}: an image index of the manifests whose subject is the digest. */
public final class ReferrersHandler implements RouteHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RepositoryManifests manifests;

    public ReferrersHandler(RepositoryManifests manifests) {
        this.manifests = manifests;
    }

    @Override
    public void handle(Exchange exchange, String name, String parameter) throws IOException {
        if (!exchange.method().equals("GET")) {
            throw RouteHandler.unsupported(exchange, "GET");
        }
        Digest subject = Digests.require(parameter);
        // No NAME_UNKNOWN for a repository that does not exist: the spec forbids a 404 from a
        // registry that supports the referrers API (clients take it as "fall back to tag schema").
        // Such a repository simply has no referrers.
        Optional<String> artifactType = exchange.query("artifactType").filter(s -> !s.isEmpty());
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode list = index.putArray("manifests");
        manifests.referrers().list(name, subject, artifactType).forEach(list::add);
        if (artifactType.isPresent()) {
            exchange.header("OCI-Filters-Applied", "artifactType");
        }
        exchange.send(200, MediaTypes.OCI_INDEX, JSON.writeValueAsBytes(index));
    }
}
