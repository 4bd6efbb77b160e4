package dev.berth.registry.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A tiny Docker token server on 127.0.0.1 (JDK HttpServer): {@code GET /token?service=...&scope=...}
 * with Basic credentials answers {@code {"token": ...}} signed by a {@link TokenMinter}. What each
 * requested scope is granted is the test's policy: {@code (user, scope) -> granted actions}.
 */
public final class TokenServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final TokenMinter minter;
    private final Map<String, String> passwords;
    private final BiFunction<String, String, List<String>> policy;
    private final List<String> requestedScopes = new CopyOnWriteArrayList<>();

    /**
     * @param passwords user name to password
     * @param policy for a user and a requested scope ({@code repository:NAME:ACTIONS}), the actions granted
     */
    public TokenServer(TokenMinter minter, Map<String, String> passwords,
            BiFunction<String, String, List<String>> policy) throws IOException {
        this.minter = minter;
        this.passwords = Map.copyOf(passwords);
        this.policy = policy;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", this::issue);
        server.start();
    }

    /** The realm to configure: {@code http://127.0.0.1:PORT/token}. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** Every scope clients asked for, in order. */
    public List<String> requestedScopes() {
        return List.copyOf(requestedScopes);
    }

    private void issue(HttpExchange exchange) throws IOException {
        try (exchange) {
            Optional<String> user = user(exchange.getRequestHeaders().getFirst("Authorization"));
            if (user.isEmpty()) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test token server\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            Map<String, List<String>> access = new LinkedHashMap<>();
            for (String scope : query(exchange.getRequestURI()).getOrDefault("scope", List.of())) {
                for (String one : scope.split(" ")) {
                    requestedScopes.add(one);
                    int last = one.lastIndexOf(':');
                    if (last > 0) {
                        access.put(one.substring(0, last), policy.apply(user.get(), one));
                    }
                }
            }
            byte[] body = JSON.writeValueAsBytes(Map.of("token", minter.token(user.get(), access), "expires_in", 300));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private Optional<String> user(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return Optional.empty();
        }
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String user = decoded.substring(0, Math.max(colon, 0));
        return colon > 0 && decoded.substring(colon + 1).equals(passwords.get(user)) ? Optional.of(user)
                : Optional.empty();
    }

    private static Map<String, List<String>> query(URI uri) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) {
            return params;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
