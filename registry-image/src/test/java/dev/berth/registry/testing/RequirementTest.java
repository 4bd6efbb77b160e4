package dev.berth.registry.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing tool skips a test on a developer machine and fails it in CI: never a silent pass there. */
class RequirementTest {

    @Test
    void somethingMissingSkipsLocallyAndFailsInCi() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> Requirement.require(false, "a tool", false));
        assertTrue(skipped.getMessage().contains("a tool"), skipped.getMessage());
        AssertionFailedError failed = assertThrows(AssertionFailedError.class,
                () -> Requirement.require(false, "a tool", true));
        assertTrue(failed.getMessage().contains("CI=true"), failed.getMessage());
    }

    @Test
    void somethingPresentNeitherSkipsNorFails() {
        assertDoesNotThrow(() -> Requirement.require(true, "a tool", true));
        assertDoesNotThrow(() -> Requirement.require(true, "a tool", false));
    }

    @Test
    void toolsAreLookedUpOnPath() {
        assertTrue(Requirement.onPath("sh"));
        assertFalse(Requirement.onPath("berth-no-such-tool"));
    }
}
