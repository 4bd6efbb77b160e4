package dev.berth.registry.auth;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warning, at the start and after each reload of users or rules, about user names the rules
 * mention that the user source does not hold: most often a typo, or a user not created yet, and
 * otherwise a rule that silently grants nothing.
 */
public final class UnknownUsers {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownUsers.class);

    private UnknownUsers() {}

    /** The names {@code policy} mentions that {@code known} lacks, sorted; logged as one warning when any. */
    public static Set<String> warn(Set<String> known, Optional<AccessPolicy> policy, String source) {
        Set<String> unknown = new TreeSet<>();
        policy.ifPresent(p -> p.namedUsers().stream().filter(name -> !known.contains(name)).forEach(unknown::add));
        if (!unknown.isEmpty()) {
            LOG.warn("the access rules name user(s) that {} does not hold: {} (a typo, or a user not created yet:"
                    + " until then those grants match nobody)", source, String.join(", ", unknown));
        }
        return unknown;
    }
}
