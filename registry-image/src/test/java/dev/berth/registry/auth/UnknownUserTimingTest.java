package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * A user missing from the htpasswd file is answered in the time a user it holds is, whatever
 * cost the file's hashes have: measured, with interleaved samples and medians so that a busy
 * machine slows both sides alike. The cost-10 decoy used before took 4 times a cost-8 user and
 * 32 times a cost-5 one ({@code htpasswd -B}'s default).
 */
class UnknownUserTimingTest {

    private static final int SAMPLES = 15;

    @TempDir
    Path folder;

    @Test
    void unknownUsersTakeAsLongAsKnownOnesAtCost8() throws Exception {
        assertSameTime(8);
    }

    @Test
    void unknownUsersTakeAsLongAsKnownOnesAtCost5() throws Exception {
        assertSameTime(5);
    }

    private void assertSameTime(int cost) throws Exception {
        Path file = folder.resolve("htpasswd-" + cost);
        Files.writeString(file, "alice:" + BCrypt.hashpw("right", BCrypt.gensalt(cost)).replace("$2a$", "$2y$") + "\n");
        Clock clock = Clock.systemUTC();
        try (PasswordChecks checks = new PasswordChecks(1, 1_000_000, clock)) {
            BasicAuthenticator auth = new BasicAuthenticator("t", new HtpasswdFile(file, clock), checks, clock);
            for (int i = 0; i < 3; i++) { // warm up the JIT on both paths
                auth.authenticate(basic("alice", "warm" + i), "127.0.0.1");
                auth.authenticate(basic("nobody" + i, "warm"), "127.0.0.1");
            }
            List<Long> known = new ArrayList<>();
            List<Long> unknown = new ArrayList<>();
            for (int i = 0; i < SAMPLES; i++) {
                known.add(time(auth, "alice", "wrong" + i)); // a new password each time: never remembered
                unknown.add(time(auth, "mallory" + i, "wrong" + i));
            }
            long knownMedian = median(known);
            long unknownMedian = median(unknown);
            double ratio = (double) unknownMedian / knownMedian;
            assertTrue(ratio > 0.5 && ratio < 2.0, "cost " + cost + ": median known " + knownMedian / 1000
                    + " µs, unknown " + unknownMedian / 1000 + " µs");
            assertEquals(Optional.of("alice"), auth.authenticate(basic("alice", "right"), "127.0.0.1"));
        }
    }

    private static long time(BasicAuthenticator auth, String user, String password) {
        long start = System.nanoTime();
        Optional<String> result = auth.authenticate(basic(user, password), "127.0.0.1");
        long took = System.nanoTime() - start;
        assertTrue(result.isEmpty());
        return took;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Optional<String> basic(String user, String password) {
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
