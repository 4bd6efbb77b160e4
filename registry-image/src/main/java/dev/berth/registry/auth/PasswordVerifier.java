package dev.berth.registry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** How one user's password is checked: against a bcrypt hash (htpasswd) or a SHA-256 of a stored secret (auth.aws). */
public sealed interface PasswordVerifier {

    boolean matches(String password);

    /** Identifies the stored password: a changed password changes it, so remembered successes stop matching. */
    String fingerprint();

    /** Whether a check costs enough (bcrypt) to run on the bounded threads of {@link PasswordChecks}. */
    boolean slow();

    /** An htpasswd entry's bcrypt hash; tens of milliseconds per check by design. */
    record Bcrypt(String hash) implements PasswordVerifier {

        @Override
        public boolean matches(String password) {
            try {
                return BCrypt.checkpw(password, hash);
            } catch (IllegalArgumentException e) {
                return false; // a password bcrypt cannot take (over 72 bytes) or a malformed hash
            }
        }

        @Override
        public String fingerprint() {
            return hash;
        }

        @Override
        public boolean slow() {
            return true;
        }
    }

    /**
     * The SHA-256 of a secret kept elsewhere (Secrets Manager): the plain secret is not kept in
     * memory, and comparing digests takes the same time whatever the password, its length included.
     */
    record Sha256(byte[] digest) implements PasswordVerifier {

        public Sha256 {
            digest = digest.clone();
        }

        public static Sha256 of(String secret) {
            return new Sha256(sha256(secret));
        }

        @Override
        public boolean matches(String password) {
            return MessageDigest.isEqual(digest, sha256(password));
        }

        @Override
        public String fingerprint() {
            return HexFormat.of().formatHex(digest);
        }

        @Override
        public boolean slow() {
            return false;
        }

        private static byte[] sha256(String text) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}
