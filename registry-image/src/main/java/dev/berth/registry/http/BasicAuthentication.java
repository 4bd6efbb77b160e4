package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.PasswordCheckRefused;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Request;

/**
 * {@code auth.htpasswd}: every API request needs valid credentials, and registry:2 answers the
 * same 401 and challenge. With {@code auth.access} too, a request without credentials goes on as
 * an anonymous caller and gets what the rules grant to anonymous; {@code /v2/} still asks for
 * credentials, so that {@code docker login} checks the password instead of trusting a 200.
 */
final class BasicAuthentication implements Authentication {

    private final BasicAuthenticator authenticator;
    /** The rules as they stand now: they may be reloaded while the registry runs. */
    private final Supplier<Optional<AccessPolicy>> policy;

    BasicAuthentication(BasicAuthenticator authenticator, Supplier<Optional<AccessPolicy>> policy) {
        this.authenticator = authenticator;
        this.policy = policy;
    }

    @Override
    public RequestAccess authenticate(Exchange exchange, Request request, String client) {
        Optional<AccessPolicy> rules = policy.get(); // one snapshot for the whole request
        Optional<String> authorization = exchange.header("Authorization");
        Optional<String> user;
        try {
            user = authenticator.authenticate(authorization, client);
        } catch (PasswordCheckRefused e) {
            throw RegistryException.tooManyRequests(e.getMessage(), e.retryAfterSeconds());
        }
        boolean credentials = BasicAuthenticator.presentsCredentials(authorization);
        if (user.isEmpty() && (credentials || rules.isEmpty() || Router.isBase(exchange.path()))) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, credentials
                    ? "wrong user name or password"
                    : "this registry needs a user name and password (docker login)")
                    .withHeader("WWW-Authenticate", authenticator.challenge());
        }
        return new RequestAccess(user, client, rules, authenticator.challenge());
    }
}
