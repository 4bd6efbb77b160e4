package dev.berth.registry.auth.aws;

import dev.berth.registry.auth.AccessPolicy;
import dev.berth.registry.auth.PasswordVerifier;
import dev.berth.registry.auth.UnknownUsers;
import dev.berth.registry.auth.UserEntry;
import dev.berth.registry.auth.UserSource;
import dev.berth.registry.config.ConfigException;
import dev.berth.registry.config.RegistryConfig.AwsUsers;
import dev.berth.registry.config.UserDocument;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth.aws}: the users and rules of an SSM parameter ({@link UserDocument}) with each
 * user's password from its Secrets Manager secret, read at the start and again every
 * {@code refresh} on a thread of its own, so that a password, user or rule changed in AWS counts
 * on every instance within a refresh, without a restart. Users and rules change together as one
 * snapshot. A refresh that fails (AWS unreachable, a malformed document, a secret missing) keeps
 * the last good snapshot and logs one warning; the start fails when the first read does.
 *
 * <p>Only the SHA-256 of each password is kept, compared in constant time: no bcrypt is needed,
 * since the secret is random and never leaves AWS and this process.
 */
public final class AwsUserDirectory implements UserSource {

    private static final Logger LOG = LoggerFactory.getLogger(AwsUserDirectory.class);

    private final AwsUsers settings;
    private final AwsUserStore store;
    private final PasswordVerifier.Sha256 decoy;
    private volatile Snapshot snapshot;
    private final Thread refresher;

    /**
     * @param document the parameter's text as read, to tell a changed document from the same one
     */
    private record Snapshot(Map<String, PasswordVerifier.Sha256> passwords, Optional<AccessPolicy> policy,
            String document) {

        boolean sameAs(Snapshot other) {
            if (!document.equals(other.document) || !passwords.keySet().equals(other.passwords.keySet())) {
                return false;
            }
            return passwords.entrySet().stream().allMatch(e -> e.getValue().fingerprint()
                    .equals(other.passwords.get(e.getKey()).fingerprint()));
        }
    }

    private AwsUserDirectory(AwsUsers settings, AwsUserStore store, Snapshot first) {
        this.settings = settings;
        this.store = store;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.decoy = new PasswordVerifier.Sha256(random);
        this.snapshot = first;
        this.refresher = Thread.ofVirtual().name("berth-aws-users").unstarted(this::refreshEvery);
    }

    /**
     * Reads the users and rules and starts refreshing them.
     *
     * @throws IllegalStateException naming the parameter or secret when the first read fails
     */
    public static AwsUserDirectory start(AwsUsers settings) {
        AwsUserStore store = new AwsUserStore(settings);
        try {
            Snapshot first = read(settings, store);
            LOG.info("auth.aws: {} user(s) and {} from parameter {}", first.passwords().size(), describe(first),
                    settings.parameter());
            AwsUserDirectory directory = new AwsUserDirectory(settings, store, first);
            UnknownUsers.warn(first.passwords().keySet(), first.policy(), "auth.aws parameter " + settings.parameter());
            directory.refresher.start();
            return directory;
        } catch (RuntimeException e) {
            store.close();
            throw new IllegalStateException("auth.aws: cannot read the users: " + message(e), e);
        }
    }

    @Override
    public UserEntry entryOf(String user) {
        PasswordVerifier.Sha256 password = snapshot.passwords().get(user);
        return password != null ? new UserEntry(password, true) : new UserEntry(decoy, false);
    }

    @Override
    public Set<String> names() {
        return snapshot.passwords().keySet();
    }

    /** The rules of the current snapshot; empty when the document has no access section. */
    public Optional<AccessPolicy> policy() {
        return snapshot.policy();
    }

    /** Reads again now; false (and one warning) when that fails and the last good snapshot stays. */
    boolean refresh() {
        try {
            Snapshot read = read(settings, store);
            if (!read.sameAs(snapshot)) {
                snapshot = read;
                LOG.info("auth.aws: parameter {} or a password changed: {} user(s) and {}", settings.parameter(),
                        read.passwords().size(), describe(read));
                UnknownUsers.warn(read.passwords().keySet(), read.policy(),
                        "auth.aws parameter " + settings.parameter());
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("auth.aws: refresh failed, keeping the users and rules read before: {}", message(e));
            return false;
        }
    }

    private void refreshEvery() {
        long every = settings.refresh().toMillis();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            refresh();
        }
    }

    private static Snapshot read(AwsUsers settings, AwsUserStore store) {
        String text = store.parameter(settings.parameter());
        UserDocument document = UserDocument.parse(text, "auth.aws parameter " + settings.parameter());
        Map<String, PasswordVerifier.Sha256> passwords = new LinkedHashMap<>();
        document.users().forEach((name, user) -> {
            String secret;
            try {
                secret = store.secret(user.secret());
            } catch (RuntimeException e) {
                throw new IllegalStateException("user " + name + ": secret " + user.secret() + ": " + message(e), e);
            }
            if (secret.isEmpty()) {
                throw new IllegalStateException("user " + name + ": secret " + user.secret() + " is empty");
            }
            passwords.put(name, PasswordVerifier.Sha256.of(secret));
        });
        return new Snapshot(Map.copyOf(passwords), document.access(), text);
    }

    private static String describe(Snapshot snapshot) {
        return snapshot.policy().map(p -> p.rules().size() + " rule(s), " + p.groups().size() + " group(s), "
                + p.admins().size() + " admin(s)").orElse("no access section (every user may do everything)");
    }

    private static String message(Throwable e) {
        if (e instanceof ConfigException || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        refresher.interrupt();
        try {
            refresher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    @Override
    public String toString() {
        return "auth.aws parameter " + settings.parameter() + " every " + settings.refresh().toSeconds() + "s";
    }
}
