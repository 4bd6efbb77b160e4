package dev.berth.registry.http;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.BasicAuthenticator;
import dev.berth.registry.auth.HtpasswdFile;
import dev.berth.registry.auth.PasswordChecks;
import dev.berth.registry.auth.UnknownUsers;
import dev.berth.registry.auth.UserSource;
import dev.berth.registry.auth.aws.AwsUserDirectory;
import dev.berth.registry.config.AccessReload;
import dev.berth.registry.config.RegistryConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The authentication the configuration asks for: users from {@code auth.htpasswd} or
 * {@code auth.aws}, the authenticator requests go through, the password checks behind it, and
 * the access rules as they stand now ({@code auth.access}, or the {@code auth.aws} document's),
 * all stopped when the registry stops.
 */
record HtpasswdAuth(BasicAuthenticator authenticator, PasswordChecks checks, UserSource users,
        Supplier<Optional<AccessPolicy>> policy, AutoCloseable rulesReload) implements AutoCloseable {

    /** The realm of the Basic challenge when users come from {@code auth.aws}. */
    static final String AWS_REALM = "berth";

    /** Empty when the configuration has no source of users: the API is open. */
    static Optional<HtpasswdAuth> of(RegistryConfig config, Clock clock) throws IOException {
        if (config.htpasswd().isEmpty() && config.aws().isEmpty()) {
            return Optional.empty();
        }
        PasswordChecks checks = new PasswordChecks(config.limits().passwordChecks(),
                config.limits().passwordFailures(), config.limits().userFailures(), clock);
        UserSource users = null;
        try {
            if (config.aws().isPresent()) {
                AwsUserDirectory directory = AwsUserDirectory.start(config.aws().get());
                users = directory;
                return Optional.of(new HtpasswdAuth(new BasicAuthenticator(AWS_REALM, directory, checks, clock),
                        checks, directory, directory::policy, () -> {}));
            }
            RegistryConfig.Htpasswd htpasswd = config.htpasswd().get();
            HtpasswdFile file = new HtpasswdFile(htpasswd.path(), clock);
            users = file;
            AccessReload rules = AccessReload.start(config, file);
            file.onReload(() -> UnknownUsers.warn(file.names(), rules.current(), htpasswd.path().toString()));
            UnknownUsers.warn(file.names(), rules.current(), htpasswd.path().toString());
            return Optional.of(new HtpasswdAuth(new BasicAuthenticator(htpasswd.realm(), file, checks, clock), checks,
                    file, rules::current, rules));
        } catch (IOException | RuntimeException e) {
            if (users != null) {
                users.close();
            }
            checks.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            rulesReload.close();
        } catch (Exception e) {
            // nothing to keep: the registry is stopping
        }
        users.close();
        checks.close();
    }
}
