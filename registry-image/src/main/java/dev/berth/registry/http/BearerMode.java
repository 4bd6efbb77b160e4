package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.bearer.TokenGrants;
import dev.berth.registry.auth.bearer.TokenSigner;
import dev.berth.registry.auth.bearer.TokenVerifier;
import dev.berth.registry.config.RegistryConfig;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code auth.bearer} wired: the API's token check and the token endpoint, over one user source. */
record BearerMode(BearerAuth auth, TokenEndpoint endpoint) {

    /**
     * Empty without {@code auth.bearer}.
     *
     * @param users the user source's authenticator ({@code auth.htpasswd} or {@code auth.aws})
     * @param policy the access rules as they stand at each request (they may be reloaded)
     * @throws IllegalArgumentException when tokens are configured without a user source
     */
    static Optional<BearerMode> of(RegistryConfig config, Optional<BasicAuthenticator> users,
            Supplier<Optional<AccessPolicy>> policy, Clock clock) {
        if (config.bearer().isEmpty()) {
            return Optional.empty();
        }
        if (users.isEmpty()) {
            throw new IllegalArgumentException("auth.bearer needs a user source (auth.htpasswd or auth.aws): tokens are issued"
                    + " to its users");
        }
        RegistryConfig.Bearer bearer = config.bearer().get();
        TokenSigner signer = new TokenSigner(bearer.signingKey(), bearer.issuer(), bearer.service(),
                bearer.lifetime(), bearer.refreshLifetime(), clock);
        TokenVerifier verifier = new TokenVerifier(bearer.signingKey(), bearer.issuer(), bearer.service(), clock);
        TokenRealm realm = new TokenRealm(bearer.realm(), config.limits().trustForwardedFor());
        return Optional.of(new BearerMode(
                new BearerAuth(users.get(), verifier, policy, realm, bearer.service()),
                new TokenEndpoint(users.get(), signer, verifier, new TokenGrants(policy), bearer.service())));
    }
}
