package dev.berth.registry.auth;

import java.util.Set;

/**
 * Where users come from: an htpasswd file ({@link HtpasswdFile}) or AWS ({@code auth.aws},
 * {@link AwsUserDirectory}). A source keeps a current snapshot that it replaces as a whole when
 * its origin changes, so a check never sees half of an update; a failed re-read keeps the last
 * good snapshot.
 */
public interface UserSource extends AutoCloseable {

    /** The entry to check {@code user}'s password against, a decoy for a name the source does not know. */
    UserEntry entryOf(String user);

    /** The user names known now (for the warnings about rules naming unknown users). */
    Set<String> names();

    /** Stops any background refresh. */
    @Override
    default void close() {}
}
