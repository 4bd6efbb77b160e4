package dev.berth.registry.auth.external;

import dev.berth.registry.auth.Action;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a verified token's {@code access} claim grants: for each resource ({@code type} and
 * {@code name}, such as {@code repository} {@code team/app}) a set of actions, where {@code *}
 * stands for every action, as registry:2 reads it.
 *
 * @param subject the token's {@code sub}, for log lines; empty when it names none
 */
public record TokenGrants(Optional<String> subject, Map<Resource, Set<String>> access) {

    /** No token, or one that could not be trusted: nothing is granted. */
    public static final TokenGrants NONE = new TokenGrants(Optional.empty(), Map.of());

    /** The catalog's resource and action, as registry:2 asks for them. */
    public static final String CATALOG_SCOPE = "registry:catalog:*";

    public record Resource(String type, String name) {}

    public TokenGrants {
        access = Map.copyOf(access);
    }

    public boolean grants(String type, String name, String action) {
        Set<String> actions = access.get(new Resource(type, name));
        return actions != null && (actions.contains(action) || actions.contains("*"));
    }

    /**
     * Whether the token allows {@code action} on the repository: a push (an upload, a manifest
     * PUT) needs {@code pull} and {@code push}, as in registry:2, which asks for both.
     */
    public boolean allows(String repository, Action action) {
        if (action == Action.PUSH && !grants("repository", repository, Action.PULL.scopeName())) {
            return false;
        }
        return grants("repository", repository, action.scopeName());
    }

    public boolean allowsCatalog() {
        return grants("registry", "catalog", "*");
    }

    /** The scope a client asks the token server for to be allowed {@code action}: {@code repository:NAME:ACTIONS}. */
    public static String scopeFor(String repository, Action action) {
        String actions = action == Action.PUSH ? "pull,push" : action.scopeName();
        return "repository:" + repository + ":" + actions;
    }
}
