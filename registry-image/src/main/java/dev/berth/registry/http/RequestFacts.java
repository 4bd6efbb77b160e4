package dev.berth.registry.http;

import org.eclipse.jetty.server.Request;

/**
 * What handling a request learned about it (its id, route pattern, repository, caller), kept
 * on the Jetty request so that its log line and metrics can name them once it is answered.
 * Never the raw path or query: those may carry a token or a signed upload state.
 */
final class RequestFacts {

    /** The route of a path that is no API route: one label value, however many paths are tried. */
    static final String UNMATCHED = "other";
    private static final String ATTRIBUTE = RequestFacts.class.getName();

    private final String id;
    private final String client;
    private volatile String route = UNMATCHED;
    private volatile String repository = "";
    private volatile String user = "";

    private RequestFacts(String id, String client) {
        this.id = id;
        this.client = client;
    }

    /** Starts the facts of a request the registry handles, and remembers them on it. */
    static RequestFacts start(Request request, String id, String client) {
        RequestFacts facts = new RequestFacts(id, client);
        request.setAttribute(ATTRIBUTE, facts);
        return facts;
    }

    /** The facts of a request, or null when Jetty answered it before the registry saw it (a bad request line). */
    static RequestFacts of(Request request) {
        return request.getAttribute(ATTRIBUTE) instanceof RequestFacts facts ? facts : null;
    }

    void routed(String pattern, String name) {
        this.route = pattern;
        this.repository = name;
    }

    void user(String name) {
        this.user = name;
    }

    String id() {
        return id;
    }

    String client() {
        return client;
    }

    String route() {
        return route;
    }

    String repository() {
        return repository;
    }

    String user() {
        return user;
    }
}
