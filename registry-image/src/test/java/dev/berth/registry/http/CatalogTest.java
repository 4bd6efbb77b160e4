package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code _catalog} on a registry of its own, so the exact list is known. */
class CatalogTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    static final List<String> SORTED = List.of("alpine", "apps/api", "apps/web", "library/alpine", "zeta");

    @BeforeAll
    static void push() {
        for (String repo : List.of("zeta", "apps/web", "library/alpine", "alpine")) {
            PushedImage.push(registry.client(), repo, "latest");
        }
        registry.client().pushBlob("apps/api", Blobs.random(10)); // a blob alone makes a repository too
    }

    private static List<String> names(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.path("repositories").forEach(n -> names.add(n.asText()));
        return names;
    }

    @Test
    void listsRepositoriesSorted() {
        RegistryClient.Response r = registry.client().get("/v2/_catalog");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.requireHeader("Content-Type").startsWith("application/json"));
        assertEquals(SORTED, names(r.json()));
        assertFalse(r.header("Link").isPresent());
    }

    @Test
    void paginatesWithNLastAndLink() {
        RegistryClient.Response first = registry.client().get("/v2/_catalog?n=2");
        assertEquals(List.of("alpine", "apps/api"), names(first.json()));
        assertEquals("</v2/_catalog?n=2&last=apps%2Fapi>; rel=\"next\"", first.requireHeader("Link"));
        String next = first.requireHeader("Link").replaceAll("^<([^>]+)>.*$", "$1");
        RegistryClient.Response second = registry.client().get(next);
        assertEquals(List.of("apps/web", "library/alpine"), names(second.json()));
        RegistryClient.Response third = registry.client().get(
                second.requireHeader("Link").replaceAll("^<([^>]+)>.*$", "$1"));
        assertEquals(List.of("zeta"), names(third.json()));
        assertFalse(third.header("Link").isPresent());

        assertEquals(List.of("library/alpine", "zeta"),
                names(registry.client().get("/v2/_catalog?last=apps/web").json()));
        RegistryClient.Response zero = registry.client().get("/v2/_catalog?n=0");
        assertEquals(List.of(), names(zero.json()));
        assertFalse(zero.header("Link").isPresent());
    }

    @Test
    void badNIsPaginationNumberInvalid() {
        assertError(registry.client().get("/v2/_catalog?n=-1"), 400, "PAGINATION_NUMBER_INVALID");
        assertError(registry.client().get("/v2/_catalog?n=abc"), 400, "PAGINATION_NUMBER_INVALID");
    }

    @Test
    void onlyGet() {
        assertError(registry.client().post("/v2/_catalog", new byte[0]), 405, "UNSUPPORTED");
    }
}
