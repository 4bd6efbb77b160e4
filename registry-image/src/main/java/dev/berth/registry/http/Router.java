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

    /** The liveness check's path, outside the API (and its authentication). */
    static final String HEALTH_PATH = "/healthz";
    /** The readiness check's path (storage answers), outside the API too. */
    static final String READY_PATH = "/readyz";
    /** The route pattern of the API's version check, as logs and metrics name it. */
    static final String BASE_ROUTE = "/v2/";
    static final String CATALOG_ROUTE = "/v2/_catalog";
    static final String UPLOADS_ROUTE = "/v2/{name}/blobs/uploads/{uuid}";

    /** @param name the route as logs and metrics name it, e.g. {@code /v2/{name}/manifests/{reference}} */
    private record Route(Pattern pattern, String name, RouteHandler handler) {}

    private final RouteHandler base;
    private final RouteHandler catalog;
    private final RouteHandler health;
    private final RouteHandler readiness;
    private final List<Route> repositoryRoutes;
    private final InProgress uploadsInProgress;
    private final InProgress requestsInProgress;

    private Router(Builder handlers) {
        this.base = required(handlers.base, "base");
        this.catalog = required(handlers.catalog, "catalog");
        this.health = required(handlers.health, "health");
        this.readiness = required(handlers.readiness, "readiness");
        this.uploadsInProgress = handlers.uploadsInProgress;
        this.requestsInProgress = handlers.requestsInProgress;
        this.repositoryRoutes = List.of(
                // "/blobs/uploads" without the slash starts an upload too (registry:2 redirects it).
                new Route(Pattern.compile("/v2/(.+)/blobs/uploads(?:/([^/]*))?"), UPLOADS_ROUTE,
                        required(handlers.uploads, "uploads")),
                new Route(Pattern.compile("/v2/(.+)/blobs/([^/]+)"), "/v2/{name}/blobs/{digest}",
                        required(handlers.blobs, "blobs")),
                new Route(Pattern.compile("/v2/(.+)/manifests/([^/]+)"), "/v2/{name}/manifests/{reference}",
                        required(handlers.manifests, "manifests")),
                new Route(Pattern.compile("/v2/(.+)/tags/list()"), "/v2/{name}/tags/list",
                        required(handlers.tags, "tags")),
                new Route(Pattern.compile("/v2/(.+)/referrers/([^/]+)"), "/v2/{name}/referrers/{digest}",
                        required(handlers.referrers, "referrers")));
    }

    /** Counts requests in progress (a gauge's +1 and -1); {@link #NONE} counts nothing. */
    interface InProgress {
        InProgress NONE = delta -> { };

        void add(int delta);
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
        private RouteHandler readiness;
        private InProgress uploadsInProgress = InProgress.NONE;
        private InProgress requestsInProgress = InProgress.NONE;

        private Builder() {}

        /** {@link #READY_PATH}. */
        Builder readiness(RouteHandler handler) {
            this.readiness = handler;
            return this;
        }

        /** Told when an upload body starts and stops being received (a metric). */
        Builder uploadsInProgress(InProgress counter) {
            this.uploadsInProgress = counter;
            return this;
        }

        /** Told when any routed request reaches its handler and when the handler returns (a metric). */
        Builder requestsInProgress(InProgress counter) {
            this.requestsInProgress = counter;
            return this;
        }

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

    /**
     * The route a path takes, known before authentication so that a refused request is logged
     * and counted under its route too; null when no route matches.
     */
    record Match(String pattern, RouteHandler handler, String name, String parameter, boolean upload) {}

    Match match(String path) {
        if (isBase(path)) {
            return new Match(BASE_ROUTE, base, "", "", false);
        }
        if (path.equals(CATALOG_ROUTE)) {
            return new Match(CATALOG_ROUTE, catalog, "", "", false);
        }
        if (path.equals(HEALTH_PATH)) {
            return new Match(HEALTH_PATH, health, "", "", false);
        }
        if (path.equals(READY_PATH)) {
            return new Match(READY_PATH, readiness, "", "", false);
        }
        for (Route route : repositoryRoutes) {
            Matcher m = route.pattern().matcher(path);
            if (m.matches()) {
                return new Match(route.name(), route.handler(), m.group(1), m.group(2) == null ? "" : m.group(2),
                        route.name().equals(UPLOADS_ROUTE));
            }
        }
        return null;
    }

    /** Answers the exchange; false when no route matches the path. */
    boolean route(Exchange exchange) throws IOException {
        return route(exchange, match(exchange.path()));
    }

    /** Answers the exchange by its {@link #match}; false when there was none. */
    boolean route(Exchange exchange, Match match) throws IOException {
        if (match == null) {
            return false;
        }
        if (!match.name().isEmpty() && !RepositoryName.isValid(match.name())) {
            throw new RegistryException(ErrorCode.NAME_INVALID,
                    "invalid repository name '" + truncate(match.name()) + "': lower-case components of [a-z0-9]"
                            + " joined by '.', '_', '__' or '-', separated by '/', at most "
                            + RepositoryName.MAX_LENGTH + " characters");
        }
        InProgress upload = match.upload() && exchange.hasBody() ? uploadsInProgress : InProgress.NONE;
        requestsInProgress.add(1);
        upload.add(1);
        try {
            match.handler().handle(exchange, match.name(), match.parameter());
        } finally {
            upload.add(-1);
            requestsInProgress.add(-1);
        }
        return true;
    }

    /** {@code /v2/}, the API version check clients call first (and {@code docker login} relies on). */
    static boolean isBase(String path) {
        return path.equals("/v2/") || path.equals("/v2");
    }

    private static String truncate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
