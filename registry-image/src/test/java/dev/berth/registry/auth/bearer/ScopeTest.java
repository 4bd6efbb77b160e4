package dev.berth.registry.auth.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void theTypeEndsAtTheFirstColonAndTheActionsStartAfterTheLast() {
        assertEquals(List.of(new Scope("repository", "localhost:5000/team/app", List.of("pull", "push"))),
                Scope.parseAll(List.of("repository:localhost:5000/team/app:pull,push")));
        assertEquals(List.of(Scope.catalog()), Scope.parseAll(List.of("registry:catalog:*")));
        assertEquals("repository:a/b:pull,push", new Scope("repository", "a/b", List.of("pull", "push")).text());
    }

    @Test
    void spaceSeparatedAndRepeatedScopesAreMergedPerResource() {
        assertEquals(List.of(new Scope("repository", "a", List.of("pull", "push")),
                        new Scope("repository", "b", List.of("delete"))),
                Scope.parseAll(List.of(" repository:a:pull  repository:b:delete ", "repository:a:push,pull", "")));
    }

    @Test
    void aScopeWithoutTypeNameOrActionsPartIsRefused() {
        for (String bad : List.of("repository", "repository:a", ":a:pull", "repository::pull")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Scope.parseAll(List.of(bad)), bad);
            assertTrue(e.getMessage().startsWith("malformed scope"), e.getMessage());
        }
    }
}
