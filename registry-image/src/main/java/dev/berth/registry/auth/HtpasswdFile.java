package dev.berth.registry.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users of an Apache htpasswd file ({@code auth.htpasswd.path}), as registry:2 reads it:
 * one {@code user:hash} per line, bcrypt hashes only ({@code htpasswd -B}). The file is read
 * again when it changes, checked at most once a second, so users can be added or removed
 * without a restart.
 */
public final class HtpasswdFile {

    private static final Logger LOG = LoggerFactory.getLogger(HtpasswdFile.class);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Path path;
    private final Clock clock;
    private volatile Snapshot snapshot;

    /** The users as last read, the hashes missing users are checked against, and the file's modification time then. */
    private record Snapshot(Map<String, String> hashes, DecoyHashes decoys, FileTime modified, Instant checkedAt) {

        Snapshot checkedAgain(Instant now) {
            return new Snapshot(hashes, decoys, modified, now);
        }
    }

    /**
     * The hash to check a user's password against: the user's own, or for a user the file does
     * not hold a decoy of the same cost as the file's entries ({@link DecoyHashes}), so that both
     * take the same time.
     */
    public record Entry(String hash, boolean known) {}

    public HtpasswdFile(Path path, Clock clock) throws IOException {
        this.path = path;
        this.clock = clock;
        this.snapshot = read();
        if (snapshot.hashes().isEmpty()) {
            LOG.warn("{} holds no bcrypt users: every request will be refused", path);
        }
    }

    /** The hash to check {@code user}'s password against, a decoy when the file has no such user. */
    public Entry entryOf(String user) {
        Snapshot users = current();
        String hash = users.hashes().get(user);
        return hash != null ? new Entry(hash, true) : new Entry(users.decoys().forUser(user), false);
    }

    private Snapshot current() {
        Snapshot seen = snapshot;
        Instant now = clock.instant();
        if (now.isBefore(seen.checkedAt().plus(CHECK_INTERVAL))) {
            return seen;
        }
        try {
            if (Files.getLastModifiedTime(path).equals(seen.modified())) {
                snapshot = seen.checkedAgain(now);
            } else {
                snapshot = read();
                LOG.info("{} changed: {} user(s)", path, snapshot.hashes().size());
            }
        } catch (IOException | UncheckedIOException e) {
            // Keep the users we know rather than lock everyone out while the file is replaced.
            LOG.warn("cannot read {} again, keeping the users read before: {}", path, e.toString());
            snapshot = seen.checkedAgain(now);
        }
        return snapshot;
    }

    private Snapshot read() throws IOException {
        FileTime modified = Files.getLastModifiedTime(path);
        Map<String, String> hashes = new TreeMap<>();
        int number = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            number++;
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            int colon = entry.indexOf(':');
            String hash = colon > 0 ? entry.substring(colon + 1) : "";
            if (!isBcrypt(hash)) {
                LOG.warn("{} line {}: not a 'user:bcrypt-hash' entry (create users with htpasswd -B); ignored", path,
                        number);
                continue;
            }
            hashes.put(entry.substring(0, colon), hash);
        }
        return new Snapshot(Map.copyOf(hashes), new DecoyHashes(hashes), modified, clock.instant());
    }

    /** {@code $2a$}, {@code $2b$} or {@code $2y$}, a two-digit cost 04-31, {@code $}, 53 characters. */
    private static boolean isBcrypt(String hash) {
        if (hash.length() != 60 || !(hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$"))
                || hash.charAt(6) != '$' || !isDigit(hash.charAt(4)) || !isDigit(hash.charAt(5))) {
            return false;
        }
        int cost = DecoyHashes.costOf(hash);
        return cost >= 4 && cost <= 31;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
