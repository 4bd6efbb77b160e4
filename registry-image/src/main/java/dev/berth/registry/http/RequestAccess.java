package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.Action;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one request's caller may do, asked by the handlers before they look anything up, so that
 * a denied answer never depends on what the repository holds. Without {@code auth.access} every
 * caller that passed authentication may do everything (registry:2's behaviour).
 */
public final class RequestAccess {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAccess.class);
    /** For requests outside authentication: no auth configured, or the health check. */
    static final RequestAccess UNRESTRICTED = new RequestAccess(Optional.empty(), "", Optional.empty(), "");

    private final Optional<String> user;
    private final String client;
    private final Optional<AccessPolicy> policy;
    private final String challenge;

    /**
     * @param user the authenticated user, empty for an anonymous caller
     * @param client the client's address, for the log line of a denial
     * @param challenge the {@code WWW-Authenticate} value sent with a denial to an anonymous caller
     */
    RequestAccess(Optional<String> user, String client, Optional<AccessPolicy> policy, String challenge) {
        this.user = user;
        this.client = client;
        this.policy = policy;
        this.challenge = challenge;
    }

    public boolean allows(String repository, Action action) {
        return policy.isEmpty() || policy.get().allows(user, repository, action);
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
        if (user.isEmpty()) {
            return new RegistryException(ErrorCode.UNAUTHORIZED, action.scopeName() + " on repository " + repository
                    + " needs a user name and password (docker login)").withHeader("WWW-Authenticate", challenge);
        }
        return new RegistryException(ErrorCode.DENIED, "user " + user.get() + " may not " + action.scopeName()
                + " repository " + repository);
    }
}
