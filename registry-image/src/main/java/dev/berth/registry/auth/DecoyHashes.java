package dev.berth.registry.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bcrypt hashes that a user name missing from the htpasswd file is checked against, so that
 * it costs as much as the users the file does hold and its answer cannot be told apart by time.
 *
 * <p>bcrypt's time is set by the cost in the hash ({@code $2y$05$…}: 2^5 rounds). One fixed cost
 * would betray every user whose entry has another. So a missing name gets the cost of one
 * entry of the file, picked by a hash of the name: the costs of missing names follow the
 * file's own mix (a file of cost-5 entries gives cost 5 every time; with costs 5 and 12 each
 * name gets one of them, as often as the file has each), and a name keeps its cost from one
 * attempt to the next, so repeating a name and averaging reveals nothing either. The pick
 * hashes the name together with the file's hashes (their random salts make it unguessable;
 * instances reading the same file pick the same), so no one can choose names whose decoy has
 * a cost no user has.
 *
 * <p>A decoy is a well-formed bcrypt string with random salt and hash: checking a password
 * against it runs every round of its cost, and it matches no password.
 */
final class DecoyHashes {

    /** For a file without users: nothing to hide, so the cheapest cost bcrypt has. */
    private static final int EMPTY_FILE_COST = 4;
    private static final String ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] seed;
    /** One cost per entry, in user order, so frequent costs are picked as often as they occur. */
    private final int[] costs;
    private final Map<Integer, String> decoyByCost = new TreeMap<>();

    DecoyHashes(Map<String, String> hashes) {
        List<Integer> entries = new ArrayList<>();
        MessageDigest digest = sha256();
        for (Map.Entry<String, String> e : new TreeMap<>(hashes).entrySet()) {
            entries.add(costOf(e.getValue()));
            digest.update(e.getValue().getBytes(StandardCharsets.US_ASCII));
        }
        if (entries.isEmpty()) {
            entries.add(EMPTY_FILE_COST);
        }
        this.seed = digest.digest();
        this.costs = entries.stream().mapToInt(Integer::intValue).toArray();
        for (int cost : costs) {
            decoyByCost.computeIfAbsent(cost, DecoyHashes::decoy);
        }
    }

    /** The hash to check a missing user's password against. */
    String forUser(String user) {
        MessageDigest digest = sha256();
        digest.update(seed);
        byte[] pick = digest.digest(user.getBytes(StandardCharsets.UTF_8));
        int index = Math.floorMod(ByteBuffer.wrap(pick).getInt(), costs.length);
        return decoyByCost.get(costs[index]);
    }

    /** The cost (log2 of the rounds) of a bcrypt hash {@code $2y$NN$…}; {@code HtpasswdFile} admits no other. */
    static int costOf(String hash) {
        return Integer.parseInt(hash.substring(4, 6));
    }

    private static String decoy(int cost) {
        StringBuilder hash = new StringBuilder(String.format("$2y$%02d$", cost));
        while (hash.length() < 60) {
            hash.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return hash.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
