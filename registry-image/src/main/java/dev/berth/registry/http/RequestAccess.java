package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.Action;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one request's caller may do, asked by the handlers before they look anything up, so that
 * a denied answer never depends on what the repository holds. Without {@code auth.access} every
 * caller that passed authentication may do everything (registry:2's behaviour). The decision and
 * the denial's answer come from the {@link Authentication} that made it (rules, a token's claims).
 */
public final class RequestAccess {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAccess.class);
    /** For requests outside authentication: no auth configured, or the health check. */
    static final RequestAccess UNRESTRICTED = new RequestAccess(Optional.empty(), "", Optional.empty(), "");

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

    /**
     * @param caller who calls, for the log line of a denial
     * @param client the client's address, for the same line
     */
    RequestAccess(String caller, String client, Grants grants, Denial denial) {
        this.caller = caller;
        this.client = client;
        this.grants = grants;
        this.denial = denial;
    }

    /**
     * Access by {@code auth.access} rules.
     *
     * @param user the authenticated user, empty for an anonymous caller
     * @param challenge the {@code WWW-Authenticate} value sent with a denial to an anonymous caller
     */
    RequestAccess(Optional<String> user, String client, Optional<AccessPolicy> policy, String challenge) {
        this(user.orElse("(anonymous)"), client,
                (repository, action) -> policy.isEmpty() || policy.get().allows(user, repository, action),
                (repository, action) -> denied(user, challenge, repository, action));
    }

    public boolean allows(String repository, Action action) {
        return grants.allows(repository, action);
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

    private static RegistryException denied(Optional<String> user, String challenge, String repository,
            Action action) {
        if (user.isEmpty()) {
            return new RegistryException(ErrorCode.UNAUTHORIZED, action.scopeName() + " on repository " + repository
                    + " needs a user name and password (docker login)").withHeader("WWW-Authenticate", challenge);
        }
        return new RegistryException(ErrorCode.DENIED, "user " + user.get() + " may not " + action.scopeName()
                + " repository " + repository);
    }
}
