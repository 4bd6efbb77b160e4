package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BaseApiTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    @Test
    void versionCheckAnswers200WithTheApiVersionHeader() {
        RegistryClient.Response r = registry.client().get("/v2/");
        assertEquals(200, r.status(), r::toString);
        assertEquals("registry/2.0", r.requireHeader("Docker-Distribution-API-Version"));
        assertTrue(r.header("Content-Type").orElse("").startsWith("application/json"), r::toString);
        assertTrue(r.json().isObject(), r::toString);
    }

    @Test
    void versionCheckAnswersHeadAndThePathWithoutSlash() {
        assertEquals(200, registry.client().head("/v2/").status());
        assertEquals(200, registry.client().get("/v2").status());
    }

    @Test
    void everyAnswerCarriesTheApiVersionHeader() {
        RegistryClient.Response r = registry.client().get("/v2/nothing/here/manifests/latest");
        assertEquals(404, r.status());
        assertEquals("registry/2.0", r.requireHeader("Docker-Distribution-API-Version"));
    }

    @Test
    void unknownEndpointIs404WithErrorJson() {
        ErrorAssertions.assertError(registry.client().get("/v2/repo/unknown-endpoint"), 404, "UNSUPPORTED");
        assertEquals(404, registry.client().get("/v3/").status());
    }

    @Test
    void unsupportedMethodOnVersionCheckIs405() {
        ErrorAssertions.assertError(registry.client().post("/v2/", new byte[0]), 405, "UNSUPPORTED");
    }

    @Test
    void healthCheckAnswers200() {
        RegistryClient.Response r = registry.client().get("/healthz");
        assertEquals(200, r.status(), r::toString);
    }
}
