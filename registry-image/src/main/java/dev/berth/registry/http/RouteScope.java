package dev.berth.registry.http;

import dev.berth.registry.auth.Action;
import dev.berth.registry.auth.bearer.Scope;
import dev.berth.registry.oci.RepositoryName;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token scope an API request needs, named in the Bearer challenge that refuses it so that
 * the client asks the token endpoint for exactly that: {@code pull} to read, {@code pull,push}
 * to upload or put a manifest (a push reads what is there first), {@code delete} to delete,
 * {@code registry:catalog:*} to list. The paths are {@link Router}'s; the actions are the ones its
 * handlers require.
 */
final class RouteScope {

    private static final Pattern REPOSITORY_ROUTE = Pattern.compile(
            "/v2/(.+)/(blobs/uploads(?:/[^/]*)?|blobs/[^/]+|manifests/[^/]+|tags/list|referrers/[^/]+)");

    private RouteScope() {}

    /** Empty for {@code /v2/} and paths that are no API route. */
    static Optional<Scope> of(String method, String path) {
        if (path.equals("/v2/_catalog")) {
            return Optional.of(Scope.catalog());
        }
        Matcher m = REPOSITORY_ROUTE.matcher(path);
        if (!m.matches() || !RepositoryName.isValid(m.group(1))) {
            return Optional.empty();
        }
        String route = m.group(2);
        Action action;
        if (route.startsWith("blobs/uploads")) {
            action = Action.PUSH;
        } else if (method.equals("DELETE") && (route.startsWith("blobs/") || route.startsWith("manifests/"))) {
            action = Action.DELETE;
        } else if (method.equals("PUT") && route.startsWith("manifests/")) {
            action = Action.PUSH;
        } else {
            action = Action.PULL;
        }
        return Optional.of(forAction(m.group(1), action));
    }

    /** The scope that asks for {@code action} on {@code repository}. */
    static Scope forAction(String repository, Action action) {
        List<String> actions = switch (action) {
            case PULL -> List.of("pull");
            case PUSH -> List.of("pull", "push");
            case DELETE -> List.of("delete");
        };
        return new Scope(Scope.REPOSITORY, repository, actions);
    }
}
