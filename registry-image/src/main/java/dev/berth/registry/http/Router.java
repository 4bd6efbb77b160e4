package dev.berth.registry.http;

import dev.berth.registry.oci.RepositoryName;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps API paths to handlers. Repository names contain '/', so each pattern matches the
 * name greedily up to the last API keyword ({@code /blobs/}, {@code /manifests/}, …).
 */
final class Router {

    /** The health check's path, outside the API (and its authentication). */
    static final String HEALTH_PATH = "/healthz";

    private record Route(Pattern pattern, RouteHandler handler) {}

    private final RouteHandler base;
    private final RouteHandler catalog;
    private final RouteHandler health;
    private final List<Route> repositoryRoutes;

    Router(RouteHandler base, RouteHandler catalog, RouteHandler health, RouteHandler uploads, RouteHandler blobs,
            RouteHandler manifests, RouteHandler tags, RouteHandler referrers) {
        this.base = base;
        this.catalog = catalog;
        this.health = health;
        this.repositoryRoutes = List.of(
                // "/blobs/uploads" without the slash starts an upload too (registry:2 redirects it).
                new Route(Pattern.compile("/v2/(.+)/blobs/uploads(?:/([^/]*))?"), uploads),
                new Route(Pattern.compile("/v2/(.+)/blobs/([^/]+)"), blobs),
                new Route(Pattern.compile("/v2/(.+)/manifests/([^/]+)"), manifests),
                new Route(Pattern.compile("/v2/(.+)/tags/list()"), tags),
                new Route(Pattern.compile("/v2/(.+)/referrers/([^/]+)"), referrers));
    }

    /** Answers the exchange; false when no route matches the path. */
    boolean route(Exchange exchange) throws IOException {
        String path = exchange.path();
        if (path.equals("/v2/") || path.equals("/v2")) {
            base.handle(exchange, "", "");
            return true;
        }
        if (path.equals("/v2/_catalog")) {
            catalog.handle(exchange, "", "");
            return true;
        }
        if (path.equals(HEALTH_PATH)) {
            health.handle(exchange, "", "");
            return true;
        }
        for (Route route : repositoryRoutes) {
            Matcher m = route.pattern().matcher(path);
            if (m.matches()) {
                String name = m.group(1);
                if (!RepositoryName.isValid(name)) {
                    throw new RegistryException(ErrorCode.NAME_INVALID,
                            "invalid repository name '" + truncate(name) + "': lower-case components of [a-z0-9]"
                                    + " joined by '.', '_', '__' or '-', separated by '/', at most "
                                    + RepositoryName.MAX_LENGTH + " characters");
                }
                route.handler().handle(exchange, name, m.group(2) == null ? "" : m.group(2));
                return true;
            }
        }
        return false;
    }

    private static String truncate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
