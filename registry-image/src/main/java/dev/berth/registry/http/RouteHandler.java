package dev.berth.registry.http;

import java.io.IOException;

/** One API area (blobs, uploads, manifests…): answers every method on its routes. */
public interface RouteHandler {

    /**
     * @param name the repository name, already validated (empty for routes without one)
     * @param parameter the route's last path segment (digest, reference, upload id), or empty
     */
    void handle(Exchange exchange, String name, String parameter) throws IOException;

    /** The answer to a method a route does not support: 405, with the {@code Allow}ed ones (RFC 9110 asks for it). */
    static RegistryException unsupported(Exchange exchange, String allowed) {
        return new RegistryException(ErrorCode.UNSUPPORTED, exchange.method() + " is not supported on " + exchange.path()
                + " (allowed: " + allowed + ")").withHeader("Allow", allowed);
    }
}
