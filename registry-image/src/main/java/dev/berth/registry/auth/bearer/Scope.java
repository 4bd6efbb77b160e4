package dev.berth.registry.auth.bearer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One resource and actions of the Docker token flow: a requested scope
 * ({@code repository:team/app:pull,push}, {@code registry:catalog:*}) or, in a token's
 * {@code access} claim, what was granted on it ({@code {type, name, actions}}).
 */
public record Scope(String type, String name, List<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String CATALOG = "catalog";
    /** Every action; the catalog's only one. */
    public static final String ALL = "*";

    public Scope {
        actions = List.copyOf(actions);
    }

    /** {@code registry:catalog:*}, what a client asks for to list repositories. */
    public static Scope catalog() {
        return new Scope(REGISTRY, CATALOG, List.of(ALL));
    }

    /** The scope as a challenge or a token request writes it: {@code type:name:a,b}. */
    public String text() {
        return type + ":" + name + ":" + String.join(",", actions);
    }

    public boolean names(String otherType, String otherName) {
        return type.equals(otherType) && name.equals(otherName);
    }

    /**
     * Scopes from the {@code scope} parameters of a token request: each may hold several,
     * separated by spaces (OAuth2's form); scopes on the same resource are merged. The type ends
     * at the first colon and the actions start after the last, so a name may hold colons
     * ({@code localhost:5000/app}), as the token spec allows.
     *
     * @throws IllegalArgumentException naming a malformed scope
     */
    public static List<Scope> parseAll(List<String> parameters) {
        Map<String, Set<String>> merged = new LinkedHashMap<>();
        Map<String, String[]> resources = new LinkedHashMap<>();
        for (String parameter : parameters) {
            for (String text : parameter.trim().split(" +")) {
                if (text.isEmpty()) {
                    continue;
                }
                int first = text.indexOf(':');
                int last = text.lastIndexOf(':');
                if (first <= 0 || last <= first + 1) {
                    throw new IllegalArgumentException("malformed scope \"" + shorten(text)
                            + "\": expected type:name:actions, e.g. repository:team/app:pull,push");
                }
                String type = text.substring(0, first);
                String name = text.substring(first + 1, last);
                String key = type + '\0' + name;
                resources.putIfAbsent(key, new String[] {type, name});
                Set<String> actions = merged.computeIfAbsent(key, k -> new LinkedHashSet<>());
                for (String action : text.substring(last + 1).split(",")) {
                    if (!action.isBlank()) {
                        actions.add(action.trim());
                    }
                }
            }
        }
        List<Scope> scopes = new ArrayList<>();
        merged.forEach((key, actions) -> scopes.add(
                new Scope(resources.get(key)[0], resources.get(key)[1], new ArrayList<>(actions))));
        return scopes;
    }

    private static String shorten(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
