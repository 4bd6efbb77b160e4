package dev.berth.registry.http;

import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.PasswordCheckRefused;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
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
    /** How much of a refused request's unread body is read away to keep the connection open. */
    private static final long DISCARD_LIMIT = 8L * 1024 * 1024;
    private final Router router;
    private final Optional<BasicAuthenticator> authenticator;
    private final ClientAddress clients;

    RegistryHandler(Router router, Optional<BasicAuthenticator> authenticator, ClientAddress clients) {
        super(InvocationType.BLOCKING);
        this.router = router;
        this.authenticator = authenticator;
        this.clients = clients;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
        Exchange exchange = new Exchange(request, response);
        boolean admitted = false;
        try {
            authenticate(exchange, request);
            admitted = true;
            if (!router.route(exchange)) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, 404, "no such API endpoint: " + exchange.path());
            }
            callback.succeeded();
        } catch (RegistryException e) {
            LOG.debug("{} {} -> {} {}", exchange.method(), exchange.path(), e.status(), e.getMessage());
            answerError(exchange, e, callback, admitted);
        } catch (EofException e) {
            LOG.debug("{} {}: client went away: {}", exchange.method(), exchange.path(), e.toString());
            callback.failed(e);
        } catch (Throwable e) {
            // Jetty's own verdict on the request (HttpException), such as a query string with a bad
            // %-escape, is the client's error when Jetty says 4xx: never a 500.
            RegistryException error = e instanceof HttpException http ? clientError(http.getCode(), http.getReason())
                    : null;
            if (error == null) {
                LOG.error("{} {} failed", exchange.method(), exchange.path(), e);
                error = new InternalError(e);
            } else {
                LOG.debug("{} {} -> {} {}", exchange.method(), exchange.path(), error.status(), e.toString());
            }
            answerError(exchange, error, callback, admitted);
        }
        return true;
    }

    /**
     * With {@code auth.htpasswd} set, every API request needs valid credentials; the health
     * check stays open for the load balancer. registry:2 answers the same 401 and challenge.
     */
    private void authenticate(Exchange exchange, Request request) {
        if (authenticator.isEmpty() || exchange.path().equals(Router.HEALTH_PATH)) {
            return;
        }
        Optional<String> authorization = exchange.header("Authorization");
        Optional<String> user;
        try {
            user = authenticator.get().authenticate(authorization, clients.of(request));
        } catch (PasswordCheckRefused e) {
            throw RegistryException.tooManyRequests(e.getMessage(), e.retryAfterSeconds());
        }
        if (user.isEmpty()) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, authorization.isPresent()
                    ? "wrong user name or password"
                    : "this registry needs a user name and password (docker login)")
                    .withHeader("WWW-Authenticate", authenticator.get().challenge());
        }
    }

    /**
     * @param admitted whether the request passed authentication: only then is its body read away
     *     to keep the connection. A refused request's body is never read (no {@code 100 Continue}
     *     either) and the connection is closed after the answer, so that a client without valid
     *     credentials cannot make the registry take in its megabytes.
     */
    private static void answerError(Exchange exchange, RegistryException error, Callback callback, boolean admitted) {
        if (exchange.isSent()) {
            callback.failed(error); // the answer is already under way: abort the connection
            return;
        }
        try {
            if (admitted) {
                exchange.discardBody(DISCARD_LIMIT);
            } else if (hasBody(exchange)) {
                exchange.header("Connection", "close");
            }
            ErrorResponses.send(exchange, error);
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    private static boolean hasBody(Exchange exchange) {
        return exchange.contentLength() > 0 || exchange.header("Transfer-Encoding").isPresent();
    }

    private static RegistryException clientError(int status, String reason) {
        if (status < 400 || status >= 500) {
            return null;
        }
        return new RegistryException(ErrorCode.UNSUPPORTED, status, "malformed request: " + reason);
    }

    /** An unexpected failure: a 500 that says as little as possible, the log says the rest. */
    private static final class InternalError extends RegistryException {
        InternalError(Throwable cause) {
            super(ErrorCode.UNKNOWN, "internal error: " + cause.getClass().getSimpleName());
        }
    }
}
