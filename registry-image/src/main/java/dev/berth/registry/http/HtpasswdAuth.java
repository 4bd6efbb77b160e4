package dev.berth.registry.http;

import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.HtpasswdFile;
import dev.berth.registry.auth.PasswordChecks;
import dev.berth.registry.config.RegistryConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * The authentication {@code auth.htpasswd} asks for: the authenticator requests go through, and
 * the password checks behind it, whose threads stop when the registry does.
 */
record HtpasswdAuth(BasicAuthenticator authenticator, PasswordChecks checks) implements AutoCloseable {

    /** Empty when the configuration has no {@code auth.htpasswd}: the API is open. */
    static Optional<HtpasswdAuth> of(RegistryConfig config, Clock clock) throws IOException {
        if (config.htpasswd().isEmpty()) {
            return Optional.empty();
        }
        RegistryConfig.Htpasswd htpasswd = config.htpasswd().get();
        PasswordChecks checks = new PasswordChecks(config.limits().passwordChecks(),
                config.limits().passwordFailures(), config.limits().userFailures(), clock);
        try {
            HtpasswdFile users = new HtpasswdFile(htpasswd.path(), clock);
            return Optional.of(new HtpasswdAuth(new BasicAuthenticator(htpasswd.realm(), users, checks, clock), checks));
        } catch (IOException | RuntimeException e) {
            checks.close();
            throw e;
        }
    }

    @Override
    public void close() {
        checks.close();
    }
}
