package dev.berth.registry.auth;

import java.util.Locale;
import java.util.Optional;

/** What a rule grants on a repository; the names are the token scope's actions ({@code repository:x:pull,push}). */
public enum Action {
    PULL, PUSH, DELETE;

    /** The action's name in settings and token scopes. */
    public String scopeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code pull}, {@code push} or {@code delete} (any case), or empty. */
    public static Optional<Action> named(String name) {
        for (Action action : values()) {
            if (action.scopeName().equalsIgnoreCase(name.trim())) {
                return Optional.of(action);
            }
        }
        return Optional.empty();
    }
}
