package dev.berth.registry.http;

import dev.berth.registry.auth.bearer.Scope;
import java.util.Optional;

/** The {@code WWW-Authenticate} value a 401 carries: Basic ignores the scope, Bearer names it. */
@FunctionalInterface
interface Challenge {

    /**
     * @param scope what the refused request needs, empty when nothing in particular ({@code /v2/})
     * @param error the Bearer {@code error} parameter ({@code invalid_token}, {@code insufficient_scope}), or empty
     */
    String header(Optional<Scope> scope, Optional<String> error);

    static Challenge fixed(String header) {
        return (scope, error) -> header;
    }

    /** {@code Bearer realm="…",service="…"[,scope="…"][,error="…"]}. */
    static Challenge bearer(String realm, String service) {
        return (scope, error) -> "Bearer realm=\"" + quoted(realm) + "\",service=\"" + quoted(service) + "\""
                + scope.map(s -> ",scope=\"" + quoted(s.text()) + "\"").orElse("")
                + error.map(e -> ",error=\"" + e + "\"").orElse("");
    }

    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
