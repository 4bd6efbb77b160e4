package dev.berth.registry.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what on which repository, from {@code auth.access}: admins may do everything,
 * everyone else exactly what the rules grant them (the union of every rule that names them and
 * covers the repository), nothing when no rule does. Anonymous callers get only what rules grant
 * to {@code anonymous}, which every caller gets too.
 *
 * <p>{@link #granted} is the one decision: requests with Basic credentials are checked against
 * it, and a token's access claims are to be computed from it the same way.
 */
public record AccessPolicy(Set<String> admins, Map<String, Set<String>> groups, List<AccessRule> rules) {

    private static final Set<Action> ALL = Set.copyOf(EnumSet.allOf(Action.class));

    public AccessPolicy {
        admins = Set.copyOf(admins);
        groups = Map.copyOf(groups);
        rules = List.copyOf(rules);
    }

    /** The actions {@code user} (empty: an anonymous caller) may take on {@code repository}. */
    public Set<Action> granted(Optional<String> user, String repository) {
        if (user.isPresent() && admins.contains(user.get())) {
            return ALL;
        }
        EnumSet<Action> granted = EnumSet.noneOf(Action.class);
        for (AccessRule rule : rules) {
            if (rule.grantsTo(user, groups) && rule.covers(repository)) {
                granted.addAll(rule.actions());
            }
        }
        return granted;
    }

    /** Every user name the policy mentions: admins, group members and the users of rules. */
    public Set<String> namedUsers() {
        Set<String> names = new java.util.TreeSet<>(admins);
        groups.values().forEach(names::addAll);
        rules.forEach(rule -> names.addAll(rule.users()));
        return names;
    }

    public boolean allows(Optional<String> user, String repository, Action action) {
        return granted(user, repository).contains(action);
    }
}
