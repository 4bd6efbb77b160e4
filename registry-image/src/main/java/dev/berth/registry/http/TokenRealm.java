package dev.berth.registry.http;

import java.util.Optional;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/**
 * Where clients fetch tokens: {@code auth.bearer.realm} when set, else {@code /token} on the
 * host the client addressed (its {@code Host}), by the scheme it used; behind a load balancer
 * that terminates TLS, by {@code X-Forwarded-Proto} when {@code limits.trustforwardedfor} says
 * the balancer's headers can be believed.
 */
final class TokenRealm {

    private final Optional<String> configured;
    private final boolean trustForwarded;

    TokenRealm(Optional<String> configured, boolean trustForwarded) {
        this.configured = configured;
        this.trustForwarded = trustForwarded;
    }

    String of(Request request) {
        if (configured.isPresent()) {
            return configured.get();
        }
        HttpURI uri = request.getHttpURI();
        String scheme = request.isSecure() ? "https" : "http";
        if (trustForwarded) {
            String proto = request.getHeaders().get("X-Forwarded-Proto");
            if (proto != null) {
                String last = proto.substring(proto.lastIndexOf(',') + 1).strip();
                if (last.equalsIgnoreCase("https") || last.equalsIgnoreCase("http")) {
                    scheme = last.toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        String authority = uri.getAuthority();
        if (authority == null || authority.isEmpty() || !plainAuthority(authority)) {
            authority = LocalAddress.hostPort(Request.getLocalAddr(request), Request.getLocalPort(request));
        }
        return scheme + "://" + authority + TokenEndpoint.PATH;
    }

    /** A host name or address and a port: nothing that could break out of the challenge's quotes. */
    private static boolean plainAuthority(String authority) {
        return authority.length() <= 300 && authority.chars().allMatch(c -> (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '['
                || c == ']' || c == '_');
    }
}
