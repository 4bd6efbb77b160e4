package dev.berth.registry.http;

import dev.berth.registry.oci.RepositoryName;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's entry point: passes each request (already on its own virtual thread, see
 * JettyServerFactory) through authentication and the router, and turns every failure into the
 * spec's error JSON.
 */
final class RegistryHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
    /** How much of a refused request's unread body is read away to keep the connection open. */
    private static final long DISCARD_LIMIT = 8L * 1024 * 1024;
    private final Router router;
    private final Optional<Authentication> authentication;
    /** Berth's own token endpoint ({@code auth.bearer}); it checks credentials itself. */
    private final Optional<TokenEndpoint> tokens;
    private final ClientAddress clients;
    private final long bodyTimeoutMs;
    private final long idleTimeoutMs;

    /**
     * @param authentication empty when no {@code auth} is configured: the API is open
     * @param bodyTimeout while a request with a body is handled, its connection is cut after this
     *     long without a byte moving either way (a stalled upload, a reader that stopped reading)
     * @param idleTimeoutMs the connection's idle timeout between requests, restored afterwards
     */
    RegistryHandler(Router router, Optional<Authentication> authentication, Optional<TokenEndpoint> tokens,
            ClientAddress clients, java.time.Duration bodyTimeout, long idleTimeoutMs) {
        super(InvocationType.BLOCKING);
        this.router = router;
        this.authentication = authentication;
        this.tokens = tokens;
        this.clients = clients;
        this.bodyTimeoutMs = bodyTimeout.toMillis();
        this.idleTimeoutMs = idleTimeoutMs;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
        String id = RequestId.of(request);
        response.getHeaders().put(RequestId.HEADER, id);
        Exchange exchange = new Exchange(request, response, RequestFacts.start(request, id, clients.of(request)));
        if (!exchange.hasBody()) {
            handle(exchange, request, callback);
            return true;
        }
        // The connection's long idle timeout (kept above the load balancer's) is for the time
        // between requests; while a body moves, a stall is cut much sooner. Restored before
        // the answer completes, so the connection's next request starts with the long one.
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        endPoint.setIdleTimeout(bodyTimeoutMs);
        handle(exchange, request, Callback.from(() -> {
            endPoint.setIdleTimeout(idleTimeoutMs);
            callback.succeeded();
        }, failure -> {
            endPoint.setIdleTimeout(idleTimeoutMs);
            callback.failed(failure);
        }));
        return true;
    }

    private void handle(Exchange exchange, Request request, Callback callback) {
        boolean admitted = false;
        try {
            if (tokens.isPresent() && exchange.path().equals(TokenEndpoint.PATH)) {
                // The token endpoint checks credentials itself; its refusals close a connection with a body.
                exchange.facts().routed(TokenEndpoint.PATH, "");
                tokens.get().handle(exchange, exchange.facts().client());
                callback.succeeded();
                return;
            }
            Router.Match match = router.match(exchange.path());
            if (match != null) {
                exchange.facts().routed(match.pattern(),
                        RepositoryName.isValid(match.name()) ? match.name() : "");
            }
            exchange.access(authenticate(exchange, request));
            if (authentication.isPresent()) {
                exchange.facts().user(exchange.access().caller());
            }
            admitted = true;
            // After authentication: the refusal reads the body away (bounded) so that the client
            // reads the 501 rather than a reset; an unauthenticated body is never read.
            refuseTransferCodings(exchange);
            if (!router.route(exchange, match)) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, 404, "no such API endpoint: " + exchange.path());
            }
            callback.succeeded();
        } catch (RegistryException e) {
            LOG.debug("{} {} -> {} {}", exchange.method(), exchange.path(), e.status(), e.getMessage());
            // An anonymous caller denied by auth.access is refused like one without credentials.
            answerError(exchange, e, callback, admitted && e.status() != 401);
        } catch (EofException e) {
            LOG.debug("{} {}: client went away: {}", exchange.method(), exchange.path(), e.toString());
            callback.failed(e);
        } catch (Throwable e) {
            if (isIdleTimeout(e)) {
                // A body that stalled for limits.bodytimeout: the client's doing, so a 408 and a
                // closed connection, not a 500 with a stack trace (a crowd of stalled uploads must
                // not flood the log). Left to Jetty, the failure would be answered 500.
                LOG.debug("{} {}: body stalled: {}", exchange.method(), exchange.path(), e.toString());
                answerError(exchange, new RegistryException(ErrorCode.SIZE_INVALID, 408, "the request body stalled:"
                        + " nothing arrived for " + bodyTimeoutMs / 1000 + " s; nothing of it was stored"), callback,
                        false);
                return;
            }
            // Jetty's own verdict on the request (HttpException), such as a query string with a bad
            // %-escape, is the client's error when Jetty says 4xx: never a 500.
            RegistryException error = e instanceof HttpException http ? clientError(http.getCode(), http.getReason())
                    : null;
            if (error != null) {
                LOG.debug("{} {} -> {} {}", exchange.method(), exchange.path(), error.status(), e.toString());
            } else if ((error = StorageFailures.answerFor(e).orElse(null)) != null) {
                // The storage's condition, not a bug: one line, no stack trace.
                LOG.warn("{} {} -> {}: {}", exchange.method(), exchange.path(), error.status(), e.toString());
            } else {
                LOG.error("{} {} failed", exchange.method(), exchange.path(), e);
                error = new UnexpectedFailure(e);
            }
            answerError(exchange, error, callback, admitted);
        }
    }

    /** Jetty's idle timeout of the connection, as a blocked body read reports it. */
    private static boolean isIdleTimeout(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.util.concurrent.TimeoutException timeout && timeout.getMessage() != null
                    && timeout.getMessage().startsWith("Idle timeout expired")) {
                return true;
            }
        }
        return false;
    }

    /** The health checks stay open for the load balancer; every other path asks the authentication. */
    private RequestAccess authenticate(Exchange exchange, Request request) {
        if (authentication.isEmpty() || exchange.path().equals(Router.HEALTH_PATH)
                || exchange.path().equals(Router.READY_PATH)) {
            return RequestAccess.UNRESTRICTED;
        }
        return authentication.get().authenticate(exchange, request, exchange.facts().client());
    }

    /**
     * A body in a transfer coding besides chunked (gzip, deflate…) would be stored as its coded
     * bytes: refused with 501 as registry:2 does (RFC 9112 6.1), before anything reads it. Jetty
     * itself refuses codings that do not end in chunked (400, as RFC 9112 6.3 requires).
     */
    private static void refuseTransferCodings(Exchange exchange) {
        String codings = exchange.headerValues("Transfer-Encoding").trim();
        if (!codings.isEmpty() && !codings.equalsIgnoreCase("chunked")) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 501, "Transfer-Encoding '" + codings
                    + "' is not supported: send the body as it is, plain or chunked; nothing was stored");
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
            } else if (exchange.hasBody()) {
                exchange.header("Connection", "close");
            }
            ErrorResponses.send(exchange, error);
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }

    private static RegistryException clientError(int status, String reason) {
        if (status < 400 || status >= 500) {
            return null;
        }
        return new RegistryException(ErrorCode.UNSUPPORTED, status, "malformed request: " + reason);
    }

    /** An unexpected failure: a 500 that says as little as possible, the log says the rest. */
    private static final class UnexpectedFailure extends RegistryException {
        UnexpectedFailure(Throwable cause) {
            super(ErrorCode.UNKNOWN, "internal error: " + cause.getClass().getSimpleName());
        }
    }
}
