package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.PasswordCheckRefused;
import dev.berth.registry.auth.bearer.InvalidToken;
import dev.berth.registry.auth.bearer.Scope;
import dev.berth.registry.auth.bearer.TokenVerifier;
import dev.berth.registry.auth.bearer.VerifiedToken;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API authentication with {@code auth.bearer}: a request carries a token from {@link TokenEndpoint}
 * ({@code Authorization: Bearer}), checked by signature alone, no password involved; or Basic
 * credentials, checked as without tokens; or nothing, and then gets what {@code anonymous} rules
 * grant. Every refusal is a 401 with a Bearer challenge naming the scope the request needs
 * ({@link RouteScope}), which is what sends docker, podman, skopeo and containerd to the token
 * endpoint.
 */
final class BearerAuth implements Authentication {

    private static final Logger LOG = LoggerFactory.getLogger(BearerAuth.class);

    private final BasicAuthenticator basic;
    private final TokenVerifier verifier;
    /** The rules as they stand now: they may be reloaded while the registry runs. */
    private final Supplier<Optional<AccessPolicy>> policy;
    private final TokenRealm realm;
    private final String service;

    BearerAuth(BasicAuthenticator basic, TokenVerifier verifier, Supplier<Optional<AccessPolicy>> policy, TokenRealm realm,
            String service) {
        this.basic = basic;
        this.verifier = verifier;
        this.policy = policy;
        this.realm = realm;
        this.service = service;
    }

    /** The challenge for this request's 401s: the realm depends on the host it addressed. */
    Challenge challenge(Request request) {
        return Challenge.bearer(realm.of(request), service);
    }

    @Override
    public RequestAccess authenticate(Exchange exchange, Request request, String client) {
        Challenge challenge = challenge(request);
        Optional<AccessPolicy> rules = policy.get(); // one snapshot for the whole request
        Optional<String> authorization = exchange.header("Authorization");
        Optional<String> bearer = BasicCredentials.bearerToken(authorization);
        if (bearer.isPresent()) {
            VerifiedToken token;
            try {
                token = verifier.verifyAccess(bearer.get());
            } catch (InvalidToken e) {
                Optional<Scope> needed = RouteScope.of(exchange.method(), exchange.path());
                LOG.info("token refused: reason={} {} client={}", e.getMessage(), describe(needed), client);
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "invalid token: " + e.getMessage()
                        + "; fetch a new one (docker login)")
                        .withHeader("WWW-Authenticate", challenge.header(needed, Optional.of("invalid_token")));
            }
            return new RequestAccess(token.user(), client, rules, challenge, Optional.of(token));
        }
        Optional<String> user;
        try {
            user = basic.authenticate(authorization, client);
        } catch (PasswordCheckRefused e) {
            throw RegistryException.tooManyRequests(e.getMessage(), e.retryAfterSeconds());
        }
        boolean credentials = BasicAuthenticator.presentsCredentials(authorization);
        // Only a refusal names the scope: parsing the route for it costs every request otherwise.
        Optional<Scope> needed = user.isEmpty() ? RouteScope.of(exchange.method(), exchange.path()) : Optional.empty();
        if (user.isEmpty() && credentials) {
            LOG.info("login failed: user={} {} client={}",
                    BasicCredentials.user(authorization).map(BasicCredentials::forLog).orElse("(unreadable)"),
                    describe(needed), client);
        }
        if (user.isEmpty() && (credentials || rules.isEmpty() || Router.isBase(exchange.path()))) {
            Optional<Scope> asked = Router.isBase(exchange.path()) ? Optional.empty() : needed;
            throw new RegistryException(ErrorCode.UNAUTHORIZED, credentials
                    ? "wrong user name or password"
                    : "this registry needs a user name and password (docker login)")
                    .withHeader("WWW-Authenticate", challenge.header(asked, Optional.empty()));
        }
        return new RequestAccess(user, client, rules, challenge, Optional.empty());
    }

    private static String describe(Optional<Scope> needed) {
        return needed.map(s -> "repository=" + s.name() + " action=" + String.join(",", s.actions()))
                .orElse("repository=- action=-");
    }
}
