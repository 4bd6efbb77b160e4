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

    private Router(Builder handlers) {
        this.base = required(handlers.base, "base");
        this.catalog = required(handlers.catalog, "catalog");
        this.health = required(handlers.health, "health");
        this.repositoryRoutes = List.of(
                // "/blobs/uploads" without the slash starts an upload too (registry:2 redirects it).
                new Route(Pattern.compile("/v2/(.+)/blobs/uploads(?:/([^/]*))?"), required(handlers.uploads, "uploads")),
                new Route(Pattern.compile("/v2/(.+)/blobs/([^/]+)"), required(handlers.blobs, "blobs")),
                new Route(Pattern.compile("/v2/(.+)/manifests/([^/]+)"), required(handlers.manifests, "manifests")),
                new Route(Pattern.compile("/v2/(.+)/tags/list()"), required(handlers.tags, "tags")),
                new Route(Pattern.compile("/v2/(.+)/referrers/([^/]+)"), required(handlers.referrers, "referrers")));
    }

    /** A router is built with each handler named, so that none can take another's place. */
    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private RouteHandler base;
        private RouteHandler catalog;
        private RouteHandler health;
        private RouteHandler uploads;
        private RouteHandler blobs;
        private RouteHandler manifests;
        private RouteHandler tags;
        private RouteHandler referrers;

        private Builder() {}

        /** {@code /v2/}: the API version check. */
        Builder base(RouteHandler handler) {
            this.base = handler;
            return this;
        }

        /** {@code /v2/_catalog}. */
        Builder catalog(RouteHandler handler) {
            this.catalog = handler;
            return this;
        }

        /** {@link #HEALTH_PATH}. */
        Builder health(RouteHandler handler) {
            this.health = handler;
            return this;
        }

        /** {@code /v2/<name>/blobs/uploads/[<id>]}. */
        Builder uploads(RouteHandler handler) {
            this.uploads = handler;
            return this;
        }

        /** {@code /v2/<name>/blobs/<digest>}. */
        Builder blobs(RouteHandler handler) {
            this.blobs = handler;
            return this;
        }

        /** {@code /v2/<name>/manifests/<reference>}. */
        Builder manifests(RouteHandler handler) {
            this.manifests = handler;
            return this;
        }

        /** {@code /v2/<name>/tags/list}. */
        Builder tags(RouteHandler handler) {
            this.tags = handler;
            return this;
        }

        /** {@code /v2/<name>/referrers/<digest>}. */
        Builder referrers(RouteHandler handler) {
            this.referrers = handler;
            return this;
        }

        /** @throws IllegalStateException naming a route left without a handler */
        Router build() {
            return new Router(this);
        }
    }

    private static RouteHandler required(RouteHandler handler, String route) {
        if (handler == null) {
            throw new IllegalStateException("no handler for the " + route + " route");
        }
        return handler;
    }

    /** Answers the exchange; false when no route matches the path. */
    boolean route(Exchange exchange) throws IOException {
        String path = exchange.path();
        if (isBase(path)) {
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

    /** {@code /v2/}, the API version check clients call first (and {@code docker login} relies on). */
    static boolean isBase(String path) {
        return path.equals("/v2/") || path.equals("/v2");
    }

    private static String truncate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
