package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.PasswordCheckRefused;
import dev.berth.registry.auth.bearer.InvalidToken;
import dev.berth.registry.auth.bearer.IssuedToken;
import dev.berth.registry.auth.bearer.Scope;
import dev.berth.registry.auth.bearer.TokenGrants;
import dev.berth.registry.auth.bearer.TokenSigner;
import dev.berth.registry.auth.bearer.TokenVerifier;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /token}: the Docker registry token endpoint. {@code GET} as the token spec has it (Basic
 * credentials or none, {@code service}, {@code scope}s, {@code account}, {@code offline_token});
 * {@code POST} as its OAuth2 variant ({@code grant_type=password} or {@code refresh_token}). The
 * password is checked here, once per login, by the same authenticator and limits as Basic API
 * requests; the token then spares the API requests any bcrypt. A token holds only what the
 * policy grants the caller of what it asked for.
 */
final class TokenEndpoint {

    static final String PATH = "/token";
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BasicAuthenticator basic;
    private final TokenSigner signer;
    private final TokenVerifier verifier;
    private final TokenGrants grants;
    private final String service;

    TokenEndpoint(BasicAuthenticator basic, TokenSigner signer, TokenVerifier verifier, TokenGrants grants,
            String service) {
        this.basic = basic;
        this.signer = signer;
        this.verifier = verifier;
        this.grants = grants;
        this.service = service;
    }

    void handle(Exchange exchange, String client) throws IOException {
        switch (exchange.method()) {
            case "GET" -> get(exchange, client);
            case "POST" -> post(exchange, client);
            default -> throw new RegistryException(ErrorCode.UNSUPPORTED, "the token endpoint takes GET and POST")
                    .withHeader("Allow", "GET, POST");
        }
    }

    private void get(Exchange exchange, String client) throws IOException {
        checkService(exchange.query("service"));
        List<Scope> scopes = scopes(exchange.queryValues("scope"));
        Optional<String> authorization = exchange.header("Authorization");
        Optional<String> user = Optional.empty();
        if (BasicAuthenticator.presentsCredentials(authorization)) {
            if (BasicCredentials.user(authorization).isEmpty()) {
                throw unauthorized("the token endpoint takes Basic credentials (user name and password)");
            }
            user = Optional.of(login(authorization, BasicCredentials.user(authorization).get(), client));
        }
        Optional<String> account = exchange.query("account").filter(a -> !a.isEmpty());
        if (account.isPresent() && user.isPresent() && !account.get().equals(user.get())) {
            throw badRequest("account \"" + BasicCredentials.forLog(account.get())
                    + "\" is not the user of the credentials");
        }
        boolean offline = exchange.query("offline_token").map("true"::equalsIgnoreCase).orElse(false);
        answer(exchange, user, scopes, offline && user.isPresent(), client);
    }

    private void post(Exchange exchange, String client) throws IOException {
        FormFields form = FormFields.read(exchange);
        checkService(form.first("service"));
        List<Scope> scopes = scopes(form.all("scope"));
        String grant = form.first("grant_type").orElseThrow(() -> badRequest("grant_type is missing"));
        String user = switch (grant) {
            case "password" -> {
                String name = form.first("username").filter(u -> !u.isEmpty())
                        .orElseThrow(() -> badRequest("username is missing"));
                String password = form.first("password").orElseThrow(() -> badRequest("password is missing"));
                yield login(Optional.of(BasicCredentials.header(name, password)), name, client);
            }
            case "refresh_token" -> refresh(form.first("refresh_token")
                    .orElseThrow(() -> badRequest("refresh_token is missing")), client);
            default -> throw badRequest("grant_type must be password or refresh_token, got \""
                    + BasicCredentials.forLog(grant) + "\"");
        };
        boolean offline = form.first("access_type").map("offline"::equals).orElse(false);
        answer(exchange, Optional.of(user), scopes, offline, client);
    }

    /** The user whose password is right; 401 otherwise, 429 when the password checks are full. */
    private String login(Optional<String> authorization, String name, String client) {
        Optional<String> user;
        try {
            user = basic.authenticate(authorization, client);
        } catch (PasswordCheckRefused e) {
            throw RegistryException.tooManyRequests(e.getMessage(), e.retryAfterSeconds());
        }
        if (user.isEmpty()) {
            LOG.info("login failed: user={} client={}", BasicCredentials.forLog(name), client);
            throw unauthorized("wrong user name or password");
        }
        return user.get();
    }

    /** The user of a refresh token, if the user source still holds it. */
    private String refresh(String token, String client) {
        String user;
        try {
            user = verifier.verifyRefresh(token);
        } catch (InvalidToken e) {
            LOG.info("refresh token refused: reason={} client={}", e.getMessage(), client);
            throw unauthorized("invalid refresh token: " + e.getMessage() + "; log in again");
        }
        if (!basic.knows(user)) {
            LOG.info("login failed: user={} (no longer known) client={}", BasicCredentials.forLog(user), client);
            throw unauthorized("the refresh token's user is no longer known; log in again");
        }
        return user;
    }

    private void answer(Exchange exchange, Optional<String> user, List<Scope> requested, boolean offline,
            String client) throws IOException {
        List<Scope> granted = grants.grant(user, requested);
        logDenials(user, requested, granted, client);
        IssuedToken access = signer.access(user, granted);
        ObjectNode body = JSON.createObjectNode();
        body.put("token", access.token());
        body.put("access_token", access.token());
        body.put("expires_in", access.expiresInSeconds());
        body.put("issued_at", access.issuedAt().toString());
        if (offline) {
            body.put("refresh_token", signer.refresh(user.orElseThrow()).token());
        }
        exchange.header("Cache-Control", "no-store");
        exchange.send(200, "application/json", JSON.writeValueAsBytes(body));
    }

    /** One line per requested action the token does not carry. */
    private static void logDenials(Optional<String> user, List<Scope> requested, List<Scope> granted, String client) {
        for (Scope asked : requested) {
            List<String> given = granted.stream().filter(g -> g.names(asked.type(), asked.name()))
                    .findFirst().map(Scope::actions).orElse(List.of());
            for (String action : asked.actions()) {
                boolean denied = action.equals(Scope.ALL) ? given.isEmpty()
                        : !given.contains(action) && !given.contains(Scope.ALL);
                if (denied) {
                    LOG.info("access denied: user={} repository={} action={} client={}", user.orElse("(anonymous)"),
                            BasicCredentials.forLog(asked.name()), BasicCredentials.forLog(action), client);
                }
            }
        }
    }

    private void checkService(Optional<String> asked) {
        if (asked.isPresent() && !asked.get().isEmpty() && !asked.get().equals(service)) {
            throw badRequest("unknown service \"" + BasicCredentials.forLog(asked.get()) + "\"; this registry is \""
                    + service + "\"");
        }
    }

    private static List<Scope> scopes(List<String> parameters) {
        try {
            return Scope.parseAll(parameters);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private static RegistryException unauthorized(String detail) {
        return new RegistryException(ErrorCode.UNAUTHORIZED, detail);
    }

    static RegistryException badRequest(String detail) {
        return new RegistryException(ErrorCode.UNSUPPORTED, 400, detail).withMessage("invalid token request");
    }
}
