package dev.berth.registry.auth.bearer;

import java.util.List;
import java.util.Optional;

/** An access token that passed every check: whose it is and what it grants. */
public record VerifiedToken(Optional<String> user, List<Scope> access) {

    public VerifiedToken {
        access = List.copyOf(access);
    }

    /** Whether the token grants {@code action} (or {@code *}) on the resource. */
    public boolean grants(String type, String name, String action) {
        for (Scope scope : access) {
            if (scope.names(type, name) && (scope.actions().contains(action) || scope.actions().contains(Scope.ALL))) {
                return true;
            }
        }
        return false;
    }
}
