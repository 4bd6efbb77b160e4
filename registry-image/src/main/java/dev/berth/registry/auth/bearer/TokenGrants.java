package dev.berth.registry.auth.bearer;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.Action;
import dev.berth.registry.oci.RepositoryName;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a token may carry: of each requested scope, only the actions the access policy grants
 * the caller now. A scope granted nothing stays in the answer with no actions (the client asked,
 * the registry said no); unknown resource types and invalid repository names are left out.
 * Without {@code auth.access} a user may do everything and an anonymous caller nothing, as
 * with Basic credentials.
 */
public final class TokenGrants {

    /** The rules as they stand now: they may be reloaded while the registry runs. */
    private final Supplier<Optional<AccessPolicy>> policy;

    public TokenGrants(Supplier<Optional<AccessPolicy>> policy) {
        this.policy = policy;
    }

    /** @param user the authenticated user, empty for an anonymous caller */
    public List<Scope> grant(Optional<String> user, List<Scope> requested) {
        Optional<AccessPolicy> rules = policy.get(); // one snapshot for the whole token
        List<Scope> granted = new ArrayList<>();
        for (Scope scope : requested) {
            if (scope.type().equals(Scope.REPOSITORY) && RepositoryName.isValid(scope.name())) {
                granted.add(new Scope(scope.type(), scope.name(), repositoryActions(rules, user, scope)));
            } else if (scope.names(Scope.REGISTRY, Scope.CATALOG)) {
                // The listing is filtered by the policy, so anyone the registry serves may ask for it.
                boolean listed = (user.isPresent() || rules.isPresent()) && scope.actions().contains(Scope.ALL);
                granted.add(new Scope(scope.type(), scope.name(), listed ? List.of(Scope.ALL) : List.of()));
            }
        }
        return granted;
    }

    private static List<String> repositoryActions(Optional<AccessPolicy> rules, Optional<String> user, Scope scope) {
        Set<Action> allowed = rules.map(p -> p.granted(user, scope.name()))
                .orElse(user.isPresent() ? EnumSet.allOf(Action.class) : Set.of());
        List<String> actions = new ArrayList<>();
        for (Action action : Action.values()) {
            boolean asked = scope.actions().contains(Scope.ALL) || scope.actions().contains(action.scopeName());
            if (asked && allowed.contains(action)) {
                actions.add(action.scopeName());
            }
        }
        return actions;
    }
}
