package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Escaped unreserved characters in a path ({@code %61} for {@code a}) are the same as the plain
 * ones (RFC 3986 6.2.2.2), as registry:2 treats them; any other escape, above all an encoded
 * '/', stays as it is and is refused where it was.
 */
class PercentEncodedPathTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    /** Every unreserved character escaped, the hex digits alternately upper and lower case; '/' and ':' as they are. */
    static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '/' || c == ':') {
                out.append(c);
            } else {
                String hex = String.format("%02X", (int) c);
                out.append('%').append(i % 2 == 0 ? hex : hex.toLowerCase(Locale.ROOT));
            }
        }
        return out.toString();
    }

    @Test
    void escapedUnreservedCharactersNameTheSameThings() {
        String repo = RunningRegistry.newRepository("enc_o.d-x");
        PushedImage image = PushedImage.push(client, repo, "v1.0_a-b");
        String name = escaped(repo);
        assertTrue(name.contains("%2E") || name.contains("%2e"), name);

        RegistryClient.Response tags = client.get("/v2/" + name + "/tags/list");
        assertEquals(200, tags.status(), tags::toString);
        assertEquals(repo, tags.json().path("name").asText());
        RegistryClient.Response manifest = client.get("/v2/" + name + "/manifests/" + escaped("v1.0_a-b"));
        assertEquals(200, manifest.status(), manifest::toString);
        assertArrayEquals(image.manifest(), manifest.body());
        RegistryClient.Response blob = client.get("/v2/" + name + "/blobs/" + escaped(image.layerDigest()));
        assertEquals(200, blob.status(), blob::toString);
        assertArrayEquals(image.layer(), blob.body());
        assertEquals(200, client.get("/v2/_c%61t%61log").status());
        assertEquals(200, client.get("/%76%32/").status());

        // pushing through escaped paths stores under the plain names
        byte[] layer = Blobs.random(300);
        RegistryClient.Response start = client.post("/v2/" + name + "/blobs/uploads/", null);
        assertEquals(202, start.status(), start::toString);
        assertTrue(start.requireHeader("Location").startsWith("/v2/" + repo + "/blobs/uploads/"),
                start::toString);
        RegistryClient.Response put = client.put(RegistryClient.withQuery(start.requireHeader("Location"),
                "digest=" + Blobs.sha256(layer)), layer);
        assertEquals(201, put.status(), put::toString);
        byte[] config = Blobs.config();
        byte[] manifestBody = Blobs.imageManifest(client.pushBlob(repo, config), config.length, Blobs.sha256(layer),
                "300");
        RegistryClient.Response tagged = client.putManifest(name, escaped("v2_x.y-z"), Blobs.OCI_MANIFEST, manifestBody);
        assertEquals(201, tagged.status(), tagged::toString);
        assertArrayEquals(manifestBody, client.get("/v2/" + repo + "/manifests/v2_x.y-z").body());
        assertTrue(client.get("/v2/" + repo + "/tags/list").text().contains("\"v2_x.y-z\""));
    }

    @Test
    void otherEscapesStayAsTheyAre() {
        String repo = RunningRegistry.newRepository("enc");
        PushedImage image = PushedImage.push(client, repo, "v1");
        String[] parts = repo.split("/");
        // an encoded '/' is never a separator, in either case of hex
        for (String slash : new String[] {"%2F", "%2f"}) {
            assertError(client.get("/v2/" + parts[0] + slash + parts[1] + "/tags/list"), 400, "NAME_INVALID");
            assertError(client.putManifest(parts[0] + slash + parts[1], "v2", Blobs.OCI_MANIFEST, image.manifest()),
                    400, "NAME_INVALID");
        }
        // no second round of decoding: %25 is '%', which is no name character
        ErrorAssertions.assertClientError(client.get("/v2/" + parts[0] + "%252F" + parts[1] + "/tags/list"), "%252F");
        // an escaped upper-case letter is an upper-case letter; a space is no name character
        assertError(client.get("/v2/" + repo + "%41/tags/list"), 400, "NAME_INVALID");
        assertError(client.get("/v2/" + repo + "%20/tags/list"), 400, "NAME_INVALID");
        // reserved and non-ASCII characters are not decoded into tags
        assertError(client.putManifest(repo, "caf%C3%A9", Blobs.OCI_MANIFEST, image.manifest()), 400,
                "MANIFEST_INVALID");
        assertError(client.putManifest(repo, "v%2B1", Blobs.OCI_MANIFEST, image.manifest()), 400,
                "MANIFEST_INVALID");
        // '~' is decoded too, and is no tag character
        String detail = assertError(client.get("/v2/" + repo + "/manifests/v%7E1"), 404, "MANIFEST_UNKNOWN")
                .path("detail").asText();
        assertTrue(detail.contains("v~1"), detail);
        // a cut or non-hex escape is refused, never a 5xx
        for (String tag : new String[] {"v%6", "v%zz", "v%"}) {
            ErrorAssertions.assertClientError(client.raw("GET /v2/" + repo + "/manifests/" + tag + " HTTP/1.1", null),
                    tag);
        }
    }
}
