package dev.berth.registry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class ResumableDigestTest {

    @Test
    void isSupportedWhenTheJdkInternalsAreOpened() {
        // Surefire and the jar's manifest both open java.base/sun.security.provider.
        assertTrue(ResumableDigest.isSupported());
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void savedAndRestoredAtAnyOffsetGivesTheSameDigestAsOnePass(DigestAlgorithm algorithm) {
        byte[] data = new byte[5000];
        new Random(7).nextBytes(data);
        Digest expected = Digest.compute(algorithm, data);
        for (int split : new int[] {0, 1, 63, 64, 65, 127, 128, 129, 1000, 4999, 5000}) {
            ResumableDigest first = ResumableDigest.create(algorithm);
            first.update(data, 0, split);
            byte[] state = first.saveState().orElseThrow();
            ResumableDigest second = ResumableDigest.restore(state).orElseThrow();
            second.update(data, split, data.length - split);
            assertEquals(expected, second.finish(), "split at " + split);
        }
    }

    @Test
    void garbageStateIsNotRestored() {
        assertTrue(ResumableDigest.restore(new byte[] {1, 2, 3}).isEmpty());
        assertTrue(ResumableDigest.restore(new byte[0]).isEmpty());
    }
}
