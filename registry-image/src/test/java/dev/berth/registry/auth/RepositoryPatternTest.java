package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RepositoryPatternTest {

    @Test
    void aSingleStarMatchesExactlyOneComponent() {
        RepositoryPattern p = RepositoryPattern.parse("team-a/*");
        assertTrue(p.matches("team-a/app"));
        assertFalse(p.matches("team-a/app/x"));
        assertFalse(p.matches("team-a"));
        assertFalse(p.matches("team-ab/app"));
    }

    @Test
    void aDoubleStarMatchesAnyDepthBelow() {
        RepositoryPattern p = RepositoryPattern.parse("team-a/**");
        assertTrue(p.matches("team-a/app"));
        assertTrue(p.matches("team-a/app/x/y"));
        assertFalse(p.matches("team-a"));
        assertFalse(p.matches("team-b/app"));
    }

    @Test
    void aDoubleStarAloneMatchesEveryRepository() {
        RepositoryPattern p = RepositoryPattern.parse("**");
        assertTrue(p.matches("app"));
        assertTrue(p.matches("a/b/c"));
    }

    @Test
    void aStarWithinAComponentStaysInIt() {
        RepositoryPattern p = RepositoryPattern.parse("apps/web-*");
        assertTrue(p.matches("apps/web-front"));
        assertTrue(p.matches("apps/web-"));
        assertFalse(p.matches("apps/web-front/x"));
        assertFalse(p.matches("apps/api"));
    }

    @Test
    void literalsAreNotRegularExpressions() {
        RepositoryPattern p = RepositoryPattern.parse("a.b/c");
        assertTrue(p.matches("a.b/c"));
        assertFalse(p.matches("axb/c"));
    }

    @Test
    void malformedPatternsAreRefusedWithTheReason() {
        assertEquals("'team-a/x**': ** must be a whole component (team-a/**), not part of one",
                assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.parse("team-a/x**")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.parse("Team/app"));
        assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.parse("team//app"));
        assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.parse("/app"));
        assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.parse("app?"));
        assertThrows(IllegalArgumentException.class, () -> RepositoryPattern.parse(" "));
    }
}
