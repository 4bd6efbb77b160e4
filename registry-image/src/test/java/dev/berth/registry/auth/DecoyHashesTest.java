package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** The cost of the hash a missing user is checked against: the structural side of timing equality. */
class DecoyHashesTest {

    private static String hash(String password, int cost) {
        return BCrypt.hashpw(password, BCrypt.gensalt(cost));
    }

    @Test
    void aFileOfOneCostGivesEveryMissingUserThatCost() {
        DecoyHashes decoys = new DecoyHashes(Map.of("alice", hash("a", 5), "bob", hash("b", 5)));
        for (int i = 0; i < 200; i++) {
            assertEquals(5, DecoyHashes.costOf(decoys.forUser("user" + i)));
        }
        decoys = new DecoyHashes(Map.of("alice", hash("a", 11)));
        assertEquals(11, DecoyHashes.costOf(decoys.forUser("mallory")));
    }

    @Test
    void withMixedCostsMissingUsersGetTheFilesCostsAsOftenAsTheFileHasThemAndKeepTheirs() {
        Map<String, String> file = new LinkedHashMap<>();
        file.put("a", hash("a", 4));
        file.put("b", hash("b", 4));
        file.put("c", hash("c", 4));
        file.put("d", hash("d", 6));
        DecoyHashes decoys = new DecoyHashes(file);
        Map<Integer, Integer> seen = new TreeMap<>();
        for (int i = 0; i < 2000; i++) {
            String name = "user" + i;
            int cost = DecoyHashes.costOf(decoys.forUser(name));
            seen.merge(cost, 1, Integer::sum);
            assertEquals(cost, DecoyHashes.costOf(decoys.forUser(name)), "a name keeps its cost");
        }
        assertEquals(2, seen.size(), seen.toString()); // only 4 and 6, the file's costs
        int cheap = seen.get(4);
        assertTrue(cheap > 1300 && cheap < 1700, "about 3 in 4 names get cost 4: " + seen);
    }

    @Test
    void aDecoyIsAWellFormedHashThatMatchesNoPassword() {
        String decoy = new DecoyHashes(Map.of("alice", hash("berth", 4))).forUser("mallory");
        assertEquals(60, decoy.length());
        for (String password : new String[] {"", "berth", "mallory", "x".repeat(72)}) {
            assertFalse(BCrypt.checkpw(password, decoy)); // runs the rounds, no exception
        }
    }

    @Test
    void anEmptyFileUsesTheCheapestCost() {
        assertEquals(4, DecoyHashes.costOf(new DecoyHashes(Map.of()).forUser("anyone")));
    }
}
