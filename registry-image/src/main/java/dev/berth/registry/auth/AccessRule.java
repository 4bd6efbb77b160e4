package dev.berth.registry.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One grant of {@code auth.access.rules}: {@code actions} on the repositories matching any of
 * {@code repositories}, to the named users, the members of the named groups, any authenticated
 * user ({@code authenticated}) and/or everyone, callers without credentials included
 * ({@code anonymous}: what anyone may do, a user who logged in may do too).
 */
public record AccessRule(
        List<RepositoryPattern> repositories,
        Set<String> users,
        Set<String> groups,
        boolean authenticated,
        boolean anonymous,
        Set<Action> actions) {

    public AccessRule {
        repositories = List.copyOf(repositories);
        users = Set.copyOf(users);
        groups = Set.copyOf(groups);
        actions = Set.copyOf(actions);
    }

    /** Whether the rule names this caller ({@code user} empty: anonymous). */
    boolean grantsTo(Optional<String> user, Map<String, Set<String>> members) {
        if (anonymous) {
            return true;
        }
        if (user.isEmpty()) {
            return false;
        }
        String name = user.get();
        return authenticated || users.contains(name)
                || groups.stream().anyMatch(group -> members.getOrDefault(group, Set.of()).contains(name));
    }

    boolean covers(String repository) {
        return repositories.stream().anyMatch(pattern -> pattern.matches(repository));
    }
}
