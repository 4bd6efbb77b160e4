package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.Action;
import dev.berth.registry.auth.bearer.Scope;
import dev.berth.registry.auth.bearer.VerifiedToken;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one request's caller may do, asked by the handlers before they look anything up, so that
 * a denied answer never depends on what the repository holds. Without {@code auth.access} every
 * caller that passed authentication may do everything (registry:2's behaviour).
 *
 * <p>A caller with a bearer token may do what the token grants and the policy still allows: the
 * token was cut to the policy when it was issued, and a rule changed since counts at once. A
 * token that lacks a scope the policy would grant is answered 401 with a challenge naming it,
 * as registry:2 does, so that the client fetches a token with that scope.
 */
public final class RequestAccess {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAccess.class);
    /** For requests outside authentication: no auth configured, or the health check. */
    static final RequestAccess UNRESTRICTED = new RequestAccess(Optional.empty(), "", Optional.empty(), "");

    private final Optional<String> user;
    private final String client;
    private final Optional<AccessPolicy> policy;
    private final Challenge challenge;
    private final Optional<VerifiedToken> token;

    /**
     * @param user the authenticated user, empty for an anonymous caller
     * @param client the client's address, for the log line of a denial
     * @param challenge the {@code WWW-Authenticate} value sent with a denial to an anonymous caller
     */
    RequestAccess(Optional<String> user, String client, Optional<AccessPolicy> policy, String challenge) {
        this(user, client, policy, Challenge.fixed(challenge), Optional.empty());
    }

    /** @param token the caller's verified bearer token, empty when it sent Basic credentials or none */
    RequestAccess(Optional<String> user, String client, Optional<AccessPolicy> policy, Challenge challenge,
            Optional<VerifiedToken> token) {
        this.user = user;
        this.client = client;
        this.policy = policy;
        this.challenge = challenge;
        this.token = token;
    }

    public boolean allows(String repository, Action action) {
        return byPolicy(repository, action) && byToken(repository, action);
    }

    private boolean byPolicy(String repository, Action action) {
        return policy.isEmpty() || policy.get().allows(user, repository, action);
    }

    private boolean byToken(String repository, Action action) {
        return token.isEmpty() || token.get().grants(Scope.REPOSITORY, repository, action.scopeName());
    }

    /**
     * The catalog needs {@code registry:catalog:*} from a token bearer (a token for other scopes is
     * answered 401 with the challenge for it); Basic and anonymous callers list as before.
     */
    public void requireCatalog() {
        if (token.isPresent() && !token.get().grants(Scope.REGISTRY, Scope.CATALOG, Scope.ALL)) {
            LOG.info("access denied: user={} repository=_catalog action=* client={}", user.orElse("(anonymous)"),
                    client);
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "listing repositories needs a token with scope "
                    + Scope.catalog().text()).withHeader("WWW-Authenticate",
                            challenge.header(Optional.of(Scope.catalog()), Optional.of("insufficient_scope")));
        }
    }

    /**
     * Whether the catalog lists {@code repository}: those the caller may pull. A token's catalog
     * scope stands for every repository, so the policy alone decides.
     */
    public boolean lists(String repository) {
        return token.isPresent() ? byPolicy(repository, Action.PULL) : allows(repository, Action.PULL);
    }

    /**
     * @throws RegistryException 403 DENIED for an authenticated caller, 401 with the challenge for
     *     an anonymous one (credentials may grant more), when the caller may not
     */
    public void require(String repository, Action action) {
        if (!allows(repository, action)) {
            logDenial(repository, action);
            throw denied(repository, action);
        }
    }

    /** Whether the caller may take {@code action} on {@code repository}; a no is logged as a denial, not thrown. */
    public boolean check(String repository, Action action) {
        if (allows(repository, action)) {
            return true;
        }
        logDenial(repository, action);
        return false;
    }

    private void logDenial(String repository, Action action) {
        LOG.info("access denied: user={} repository={} action={} client={}", user.orElse("(anonymous)"), repository,
                action.scopeName(), client);
    }

    private RegistryException denied(String repository, Action action) {
        Optional<Scope> needed = Optional.of(RouteScope.forAction(repository, action));
        if (token.isPresent() && (user.isEmpty() || byPolicy(repository, action))) {
            return new RegistryException(ErrorCode.UNAUTHORIZED, action.scopeName() + " on repository " + repository
                    + " needs a token with scope " + needed.get().text())
                    .withHeader("WWW-Authenticate", challenge.header(needed, Optional.of("insufficient_scope")));
        }
        if (user.isEmpty()) {
            return new RegistryException(ErrorCode.UNAUTHORIZED, action.scopeName() + " on repository " + repository
                    + " needs a user name and password (docker login)")
                    .withHeader("WWW-Authenticate", challenge.header(needed, Optional.empty()));
        }
        return new RegistryException(ErrorCode.DENIED, "user " + user.get() + " may not " + action.scopeName()
                + " repository " + repository);
    }
}
