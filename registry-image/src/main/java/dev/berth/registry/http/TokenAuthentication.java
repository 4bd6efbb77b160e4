package dev.berth.registry.http;

import dev.berth.registry.auth.Action;
import dev.berth.registry.auth.external.ExternalTokens;
import dev.berth.registry.auth.external.InvalidToken;
import dev.berth.registry.auth.external.TokenGrants;
import dev.berth.registry.auth.external.TrustedTokenKeys;
import dev.berth.registry.config.TokenSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.token}: bearer tokens from an external token server, which is the policy: what a
 * token's {@code access} claim grants is what the caller may do. A request the token does not
 * cover (or without a token, or with one that cannot be trusted) is answered 401 with a
 * challenge naming the token server and the scope the route needs, as registry:2 does, so that
 * clients fetch a token for it and try again.
 */
final class TokenAuthentication implements Authentication {

    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthentication.class);
    private static final String CATALOG_PATH = "/v2/_catalog";
    private final ExternalTokens tokens;
    private final String realm;
    private final String service;

    TokenAuthentication(ExternalTokens tokens, String realm, String service) {
        this.tokens = tokens;
        this.realm = realm;
        this.service = service;
    }

    static TokenAuthentication of(TokenSettings settings, Clock clock) throws IOException {
        TrustedTokenKeys keys = TrustedTokenKeys.load(settings.rootCertBundle(), settings.jwks());
        return new TokenAuthentication(new ExternalTokens(settings.issuer(), settings.service(), keys, clock),
                settings.realm(), settings.service());
    }

    @Override
    public RequestAccess authenticate(Exchange exchange, Request request, String client) {
        Optional<String> authorization = exchange.header("Authorization");
        TokenGrants grants = TokenGrants.NONE;
        String problem = null; // why the token presented is not trusted
        if (authorization.isPresent()) {
            Optional<String> token = bearerToken(authorization.get());
            try {
                grants = tokens.verify(token.orElseThrow(() -> new InvalidToken("the Authorization is not a Bearer token")));
            } catch (InvalidToken e) {
                problem = e.getMessage();
                LOG.info("token refused: {} client={}", problem, client);
            }
        }
        Refusal refusal = new Refusal(authorization.isPresent(), problem);
        String caller = grants.subject().orElse("(token without subject)");
        if (Router.isBase(exchange.path()) && (authorization.isEmpty() || problem != null)) {
            throw refusal.answer("this registry needs a bearer token from " + realm + " (docker login)", null);
        }
        if (exchange.path().equals(CATALOG_PATH)) {
            if (!grants.allowsCatalog()) {
                throw refusal.answer("the catalog needs a token with " + TokenGrants.CATALOG_SCOPE,
                        TokenGrants.CATALOG_SCOPE);
            }
            // registry:2 lists every repository to a token with the catalog's scope.
            return new RequestAccess(caller, client, (repository, action) -> action == Action.PULL,
                    (repository, action) -> refusal.answer("catalog only", null));
        }
        return new RequestAccess(caller, client, grants::allows, (repository, action) -> refusal.answer(
                action.scopeName() + " on repository " + repository + " needs a token with "
                        + TokenGrants.scopeFor(repository, action), TokenGrants.scopeFor(repository, action)));
    }

    /** {@code Bearer <token>}, the scheme in any case. */
    private static Optional<String> bearerToken(String authorization) {
        String value = authorization.trim();
        if (value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return Optional.of(value.substring(7).trim());
        }
        return Optional.empty();
    }

    /** How a request without the access it needs is answered, by what it presented. */
    private final class Refusal {
        private final boolean presented;
        private final String problem;

        Refusal(boolean presented, String problem) {
            this.presented = presented;
            this.problem = problem;
        }

        /** @param scope the scope the client should ask the token server for; null for none */
        RegistryException answer(String need, String scope) {
            // registry:2's error parameter: none without a token, else why this one is not enough
            String error = !presented ? null : problem != null ? "invalid_token" : "insufficient_scope";
            String message = problem != null ? "the bearer token was refused (" + problem + "); " + need : need;
            return new RegistryException(ErrorCode.UNAUTHORIZED, message)
                    .withHeader("WWW-Authenticate", challenge(scope, error));
        }
    }

    private String challenge(String scope, String error) {
        StringBuilder challenge = new StringBuilder("Bearer realm=").append(quoted(realm))
                .append(",service=").append(quoted(service));
        if (scope != null) {
            challenge.append(",scope=").append(quoted(scope));
        }
        if (error != null) {
            challenge.append(",error=").append(quoted(error));
        }
        return challenge.toString();
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
