package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A router is never built with a route left without its handler. */
class RouterTest {

    private static final RouteHandler ANY = (exchange, name, parameter) -> {};

    @Test
    void aMissingHandlerIsNamedWhenTheRouterIsBuilt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Router.builder()
                .base(ANY).catalog(ANY).health(ANY).readiness(ANY).uploads(ANY).blobs(ANY).manifests(ANY).referrers(ANY)
                .build());
        assertEquals("no handler for the tags route", e.getMessage());
    }
}
