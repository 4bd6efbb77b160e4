package dev.berth.registry.http;

import java.io.IOException;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's entry point: runs each request on its own virtual thread through the router and
 * turns every failure into the spec's error JSON.
 */
final class RegistryHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
    private final Router router;

    RegistryHandler(Router router) {
        super(InvocationType.BLOCKING);
        this.router = router;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
        Exchange exchange = new Exchange(request, response);
        try {
            if (!router.route(exchange)) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, 404, "no such API endpoint: " + exchange.path());
            }
            callback.succeeded();
        } catch (RegistryException e) {
            LOG.debug("{} {} -> {} {}", exchange.method(), exchange.path(), e.status(), e.getMessage());
            answerError(exchange, e, callback);
        } catch (EofException e) {
            LOG.debug("{} {}: client went away: {}", exchange.method(), exchange.path(), e.toString());
            callback.failed(e);
        } catch (Throwable e) {
            LOG.error("{} {} failed", exchange.method(), exchange.path(), e);
            answerError(exchange, new InternalError(e), callback);
        }
        return true;
    }

    private static void answerError(Exchange exchange, RegistryException error, Callback callback) {
        if (exchange.isSent()) {
            callback.failed(error); // the answer is already under way: abort the connection
            return;
        }
        try {
            ErrorResponses.send(exchange, error);
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    /** An unexpected failure: a 500 that says as little as possible, the log says the rest. */
    private static final class InternalError extends RegistryException {
        InternalError(Throwable cause) {
            super(ErrorCode.UNKNOWN, "internal error: " + cause.getClass().getSimpleName());
        }
    }
}
