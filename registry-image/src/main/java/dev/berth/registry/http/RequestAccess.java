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
 * a denied answer never depends on what the repository holds. The decision and the denial's
 * answer come from the {@link Authentication} that made it:
 * <ul>
 *   <li>{@code auth.access} rules over the caller's user (Basic credentials, or a token of Berth's
 *       own {@code auth.bearer}): without rules every caller that passed authentication may do
 *       everything (registry:2's behaviour). A Berth token may do what it grants and the rules
 *       still allow: it was cut to the rules when issued, and a rule changed since counts at once.
 *       A token that lacks a scope the rules would grant is answered 401 with a challenge naming
 *       it, as registry:2 does, so that the client fetches a token with that scope;
 *   <li>an external token server's claims ({@code auth.token}): {@link Grants} and {@link Denial}.
 * </ul>
 */
public final class RequestAccess {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAccess.class);
    /** For requests outside authentication: no auth configured, or the health check. */
    static final RequestAccess UNRESTRICTED = new RequestAccess(Optional.empty(), "", Optional.empty(), "");

    /** Who calls: a user name, {@code (anonymous)}, or a token's subject; for log lines. */
    String caller() {
        return caller;
    }

    /** Whether the caller may take an action on a repository. */
    @FunctionalInterface
    interface Grants {
        boolean allows(String repository, Action action);
    }

    /** The answer to a request the caller may not make: a 401 with a challenge, or a 403. */
    @FunctionalInterface
    interface Denial {
        RegistryException of(String repository, Action action);
    }

    private final String caller;
    private final String client;
    private final Grants grants;
    private final Denial denial;
    /** Whether the catalog lists a repository; the caller may list the catalog at all when this did not throw. */
    private final Grants listing;
    private final Runnable catalogCheck;

    private RequestAccess(String caller, String client, Grants grants, Denial denial, Grants listing,
            Runnable catalogCheck) {
        this.caller = caller;
        this.client = client;
        this.grants = grants;
        this.denial = denial;
        this.listing = listing;
        this.catalogCheck = catalogCheck;
    }

    /**
     * Access decided by {@code grants} (an external token's claims); the catalog lists what they let pull.
     *
     * @param caller who calls, for the log line of a denial
     * @param client the client's address, for the same line
     */
    RequestAccess(String caller, String client, Grants grants, Denial denial) {
        this(caller, client, grants, denial, grants, () -> { });
    }

    /**
     * Access by {@code auth.access} rules.
     *
     * @param user the authenticated user, empty for an anonymous caller
     * @param challenge the {@code WWW-Authenticate} value sent with a denial to an anonymous caller
     */
    RequestAccess(Optional<String> user, String client, Optional<AccessPolicy> policy, String challenge) {
        this(user, client, policy, Challenge.fixed(challenge), Optional.empty());
    }

    /** @param token the caller's verified Berth token, empty when it sent Basic credentials or none */
    RequestAccess(Optional<String> user, String client, Optional<AccessPolicy> policy, Challenge challenge,
            Optional<VerifiedToken> token) {
        this(user, client, new UserRules(user, client, policy, challenge, token));
    }

    private RequestAccess(Optional<String> user, String client, UserRules rules) {
        this(user.orElse("(anonymous)"), client, rules::allows, rules::denied, rules::lists, rules::requireCatalog);
    }

    public boolean allows(String repository, Action action) {
        return grants.allows(repository, action);
    }

    /**
     * The catalog needs {@code registry:catalog:*} from a token bearer (a token for other scopes is
     * answered 401 with the challenge for it); Basic and anonymous callers list as before.
     */
    public void requireCatalog() {
        catalogCheck.run();
    }

    /** Whether the catalog lists {@code repository}: those the caller may pull. */
    public boolean lists(String repository) {
        return listing.allows(repository, Action.PULL);
    }

    /**
     * @throws RegistryException 403 DENIED for an authenticated caller, 401 with the challenge for
     *     an anonymous one (credentials may grant more), when the caller may not
     */
    public void require(String repository, Action action) {
        if (!allows(repository, action)) {
            logDenial(repository, action);
            throw denial.of(repository, action);
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
        LOG.info("access denied: user={} repository={} action={} client={}", caller, repository,
                action.scopeName(), client);
    }

    /** {@code auth.access} rules over a user, narrowed by the Berth token it sent, if any. */
    private record UserRules(Optional<String> user, String client, Optional<AccessPolicy> policy, Challenge challenge,
            Optional<VerifiedToken> token) {

        boolean allows(String repository, Action action) {
            return byPolicy(repository, action) && byToken(repository, action);
        }

        private boolean byPolicy(String repository, Action action) {
            return policy.isEmpty() || policy.get().allows(user, repository, action);
        }

        private boolean byToken(String repository, Action action) {
            return token.isEmpty() || token.get().grants(Scope.REPOSITORY, repository, action.scopeName());
        }

        /** A token's catalog scope stands for every repository, so the policy alone decides. */
        boolean lists(String repository, Action action) {
            return token.isPresent() ? byPolicy(repository, action) : allows(repository, action);
        }

        void requireCatalog() {
            if (token.isPresent() && !token.get().grants(Scope.REGISTRY, Scope.CATALOG, Scope.ALL)) {
                LOG.info("access denied: user={} repository=_catalog action=* client={}", user.orElse("(anonymous)"),
                        client);
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "listing repositories needs a token with scope "
                        + Scope.catalog().text()).withHeader("WWW-Authenticate",
                                challenge.header(Optional.of(Scope.catalog()), Optional.of("insufficient_scope")));
            }
        }

        RegistryException denied(String repository, Action action) {
            Optional<Scope> needed = Optional.of(RouteScope.forAction(repository, action));
            if (token.isPresent() && (user.isEmpty() || byPolicy(repository, action))) {
                return new RegistryException(ErrorCode.UNAUTHORIZED, action.scopeName() + " on repository "
                        + repository + " needs a token with scope " + needed.get().text())
                        .withHeader("WWW-Authenticate", challenge.header(needed, Optional.of("insufficient_scope")));
            }
            if (user.isEmpty()) {
                return new RegistryException(ErrorCode.UNAUTHORIZED, action.scopeName() + " on repository "
                        + repository + " needs a user name and password (docker login)")
                        .withHeader("WWW-Authenticate", challenge.header(needed, Optional.empty()));
            }
            return new RegistryException(ErrorCode.DENIED, "user " + user.get() + " may not " + action.scopeName()
                    + " repository " + repository);
        }
    }
}
