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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TagListTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    static final String REPO = RunningRegistry.newRepository("tags");
    static final List<String> SORTED = List.of("1.0", "1.1", "2.0", "Z_upper", "a-b", "a_b", "alpha", "latest", "v10",
            "v2");
    private static final Pattern LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    @BeforeAll
    static void pushTags() {
        PushedImage image = PushedImage.push(registry.client(), REPO, "latest");
        for (String tag : List.of("v2", "alpha", "1.1", "Z_upper", "v10", "a_b", "2.0", "1.0", "a-b")) {
            registry.client().pushManifest(REPO, tag, Blobs.OCI_MANIFEST, image.manifest());
        }
    }

    private static List<String> tags(JsonNode body) {
        List<String> tags = new ArrayList<>();
        body.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    @Test
    void listsAllTagsSorted() {
        RegistryClient.Response r = registry.client().get("/v2/" + REPO + "/tags/list");
        assertEquals(200, r.status(), r::toString);
        assertTrue(r.requireHeader("Content-Type").startsWith("application/json"));
        assertEquals(REPO, r.json().path("name").asText());
        assertEquals(SORTED, tags(r.json()));
        assertFalse(r.header("Link").isPresent());
    }

    @Test
    void pagesWithNAndLinkUntilTheEnd() {
        List<String> seen = new ArrayList<>();
        String next = "/v2/" + REPO + "/tags/list?n=3";
        int pages = 0;
        while (next != null && pages < 10) {
            RegistryClient.Response r = registry.client().get(next);
            assertEquals(200, r.status(), r::toString);
            List<String> page = tags(r.json());
            assertTrue(page.size() <= 3, r::toString);
            seen.addAll(page);
            pages++;
            next = r.header("Link").map(link -> {
                Matcher m = LINK.matcher(link);
                assertTrue(m.find(), link);
                return m.group(1);
            }).orElse(null);
            if (next != null) {
                assertEquals(3, page.size(), "only a full page may have a Link");
                assertTrue(next.startsWith("/v2/" + REPO + "/tags/list?"), next);
            }
        }
        assertEquals(SORTED, seen);
        assertEquals(4, pages);
    }

    @Test
    void nLimitsAndLastStartsAfter() {
        RegistryClient.Response r = registry.client().get("/v2/" + REPO + "/tags/list?n=2");
        assertEquals(List.of("1.0", "1.1"), tags(r.json()));
        assertEquals("</v2/" + REPO + "/tags/list?n=2&last=1.1>; rel=\"next\"", r.requireHeader("Link"));

        RegistryClient.Response after = registry.client().get("/v2/" + REPO + "/tags/list?n=2&last=a_b");
        assertEquals(List.of("alpha", "latest"), tags(after.json()));

        RegistryClient.Response lastOnly = registry.client().get("/v2/" + REPO + "/tags/list?last=latest");
        assertEquals(List.of("v10", "v2"), tags(lastOnly.json()));
        assertFalse(lastOnly.header("Link").isPresent());

        RegistryClient.Response notATag = registry.client().get("/v2/" + REPO + "/tags/list?last=b");
        assertEquals(List.of("latest", "v10", "v2"), tags(notATag.json()));

        RegistryClient.Response pastEnd = registry.client().get("/v2/" + REPO + "/tags/list?n=5&last=v2");
        assertEquals(200, pastEnd.status());
        assertEquals(List.of(), tags(pastEnd.json()));
        assertFalse(pastEnd.header("Link").isPresent());

        RegistryClient.Response exact = registry.client().get("/v2/" + REPO + "/tags/list?n=10");
        assertEquals(SORTED, tags(exact.json()));
        assertFalse(exact.header("Link").isPresent(), "no next page after the last tag");
    }

    @Test
    void nZeroAnswersAnEmptyListWithoutLink() {
        RegistryClient.Response r = registry.client().get("/v2/" + REPO + "/tags/list?n=0");
        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(), tags(r.json()));
        assertFalse(r.header("Link").isPresent(), r::toString);
    }

    @Test
    void badNIsPaginationNumberInvalid() {
        for (String n : List.of("-1", "abc", "1.5", "", "99999999999999999999")) {
            RegistryClient.Response r = registry.client().get("/v2/" + REPO + "/tags/list?n=" + n);
            if (n.isEmpty() && r.status() == 200) {
                continue; // an empty n may be read as no n at all
            }
            assertError(r, 400, "PAGINATION_NUMBER_INVALID");
        }
    }

    @Test
    void unknownRepositoryIsNameUnknown() {
        assertError(registry.client().get("/v2/no/such/repo/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void repositoryWithoutTagsListsNone() {
        String repo = RunningRegistry.newRepository("untagged");
        registry.client().pushBlob(repo, Blobs.random(10));
        RegistryClient.Response r = registry.client().get("/v2/" + repo + "/tags/list");
        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(), tags(r.json()));
    }
}
