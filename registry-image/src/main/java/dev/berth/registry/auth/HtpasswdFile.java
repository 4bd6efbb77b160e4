package dev.berth.registry.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users of an Apache htpasswd file ({@code auth.htpasswd.path}), as registry:2 reads it:
 * one {@code user:hash} per line, bcrypt hashes only ({@code htpasswd -B}); entries in other
 * schemes (MD5 {@code $apr1$}, SHA, crypt) are ignored with a warning.
 *
 * <p>The file is read again when its modification time or size changes, looked at at most once a
 * second (on the next password check), so users can be added, removed or given new passwords
 * without a restart. A file that cannot be parsed (a line without {@code user:hash}, a cut-off
 * bcrypt hash, as while it is being written) fails the start; later it keeps the users read
 * before and logs one error until the file changes again: a broken file never opens the registry
 * nor locks everyone out.
 */
public final class HtpasswdFile implements UserSource {

    private static final Logger LOG = LoggerFactory.getLogger(HtpasswdFile.class);
    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final Path path;
    private final Clock clock;
    private volatile Snapshot snapshot;
    private volatile Instant checkedAt;
    /** The stamp last read, good or not: a broken file is reported once, not every second. */
    private FileStamp seen;
    private boolean unreadable;
    private volatile Runnable onReload = () -> {};

    /** The users as last read and the hashes missing users are checked against. */
    private record Snapshot(Map<String, String> hashes, DecoyHashes decoys) {}

    /** A line that is not an htpasswd entry: the file as a whole is not used. */
    static final class BrokenFile extends IOException {
        BrokenFile(String message) {
            super(message);
        }
    }

    /** @throws IOException when the file cannot be read or parsed: the registry does not start */
    public HtpasswdFile(Path path, Clock clock) throws IOException {
        this.path = path;
        this.clock = clock;
        this.seen = FileStamp.of(path);
        this.snapshot = read();
        this.checkedAt = clock.instant();
        if (snapshot.hashes().isEmpty()) {
            LOG.warn("{} holds no bcrypt users: every request will be refused", path);
        }
    }

    /** Runs after each reload that changed the users (for the warnings about rules naming unknown users). */
    public void onReload(Runnable listener) {
        this.onReload = listener;
    }

    @Override
    public UserEntry entryOf(String user) {
        Snapshot users = current();
        String hash = users.hashes().get(user);
        return hash != null ? new UserEntry(new PasswordVerifier.Bcrypt(hash), true)
                : new UserEntry(new PasswordVerifier.Bcrypt(users.decoys().forUser(user)), false);
    }

    @Override
    public Set<String> names() {
        return current().hashes().keySet();
    }

    private Snapshot current() {
        if (clock.instant().isBefore(checkedAt.plus(CHECK_INTERVAL))) {
            return snapshot;
        }
        if (reloadIfChanged()) {
            onReload.run();
        }
        return snapshot;
    }

    /** Whether the users changed; one caller at a time looks, the others keep the snapshot they have. */
    private synchronized boolean reloadIfChanged() {
        Instant now = clock.instant();
        if (now.isBefore(checkedAt.plus(CHECK_INTERVAL))) {
            return false;
        }
        checkedAt = now;
        try {
            FileStamp stamp = FileStamp.of(path);
            if (stamp.equals(seen) && !unreadable) {
                return false;
            }
            seen = stamp;
            unreadable = false;
            Snapshot read = read();
            snapshot = read;
            LOG.info("{} changed: {} user(s)", path, read.hashes().size());
            return true;
        } catch (BrokenFile e) {
            LOG.error("{} keeping the {} user(s) read before until the file is fixed", e.getMessage(),
                    snapshot.hashes().size());
        } catch (IOException | UncheckedIOException e) {
            // Replaced or briefly missing: keep the users we know rather than lock everyone out.
            if (!unreadable) {
                LOG.warn("cannot read {} again, keeping the users read before: {}", path, e.toString());
            }
            unreadable = true;
        }
        return false;
    }

    private Snapshot read() throws IOException {
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
            if (hash.isEmpty() || (hash.startsWith("$2") && !isBcrypt(hash))) {
                throw new BrokenFile(path + " line " + number + ": not a 'user:hash' entry (create users with"
                        + " htpasswd -B);");
            }
            if (!isBcrypt(hash)) {
                LOG.warn("{} line {}: not a bcrypt hash (create users with htpasswd -B); ignored", path, number);
                continue;
            }
            hashes.put(entry.substring(0, colon), hash);
        }
        return new Snapshot(Map.copyOf(hashes), new DecoyHashes(hashes));
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
