package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.RegistryClient.chunked;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A body in a transfer coding besides chunked (gzip, deflate…) is refused with 501, as registry:2
 * refuses it, and nothing is stored: uploads and manifests alike. Plain chunked bodies work.
 */
class TransferEncodingTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    private static String pathOf(String location) {
        URI uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private RegistryClient.Response send(String method, String path, String codings, byte[] body,
            String contentType) {
        return client.raw(method + " " + path + " HTTP/1.1\r\nContent-Type: " + contentType
                + "\r\nTransfer-Encoding: " + codings, chunked(body));
    }

    private static void assertNotImplemented(RegistryClient.Response r, String codings) {
        String detail = assertError(r, 501, "UNSUPPORTED").path("detail").asText();
        assertTrue(detail.contains(codings), detail);
    }

    @Test
    void manifestInAnotherCodingIsRefusedAndNotStored() {
        String repo = RunningRegistry.newRepository("coding");
        PushedImage image = PushedImage.push(client, repo, "v1");
        for (String codings : new String[] {"gzip, chunked", "deflate, chunked", "identity, chunked"}) {
            assertNotImplemented(send("PUT", "/v2/" + repo + "/manifests/coded", codings, image.manifest(),
                    Blobs.OCI_MANIFEST), codings);
            assertError(client.get("/v2/" + repo + "/manifests/coded"), 404, "MANIFEST_UNKNOWN");
        }
        // the same header repeated counts as one list
        RegistryClient.Response twoLines = client.raw("PUT /v2/" + repo + "/manifests/coded HTTP/1.1\r\n"
                + "Content-Type: " + Blobs.OCI_MANIFEST + "\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked",
                chunked(image.manifest()));
        assertNotImplemented(twoLines, "gzip");
        assertError(client.get("/v2/" + repo + "/manifests/coded"), 404, "MANIFEST_UNKNOWN");
        // plain chunked, in any case, is fine
        for (String codings : new String[] {"chunked", "Chunked"}) {
            RegistryClient.Response ok = send("PUT", "/v2/" + repo + "/manifests/plain", codings, image.manifest(),
                    Blobs.OCI_MANIFEST);
            assertEquals(201, ok.status(), ok::toString);
            assertArrayEquals(image.manifest(), client.get("/v2/" + repo + "/manifests/plain").body());
        }
    }

    @Test
    void blobUploadsInAnotherCodingAreRefusedAndNotStored() {
        String repo = RunningRegistry.newRepository("coding");
        byte[] blob = Blobs.random(5000);
        String digest = Blobs.sha256(blob);
        String codings = "gzip, chunked";

        // one POST with ?digest=
        assertNotImplemented(send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, codings, blob,
                "application/octet-stream"), codings);
        // monolithic PUT
        String location = client.startUpload(repo);
        assertNotImplemented(send("PUT", pathOf(RegistryClient.withQuery(location, "digest=" + digest)), codings,
                blob, "application/octet-stream"), codings);
        assertEquals(404, client.head("/v2/" + repo + "/blobs/" + digest).status());

        // a chunk: the upload keeps only what came plainly
        RegistryClient.Response first = client.patch(location, java.util.Arrays.copyOfRange(blob, 0, 1000),
                "Content-Type", "application/octet-stream");
        assertEquals(202, first.status(), first::toString);
        location = first.requireHeader("Location");
        assertNotImplemented(send("PATCH", pathOf(location), codings, java.util.Arrays.copyOfRange(blob, 1000,
                blob.length), "application/octet-stream"), codings);
        RegistryClient.Response status = client.get(location);
        assertEquals(204, status.status(), status::toString);
        assertEquals("0-999", status.requireHeader("Range"));
        RegistryClient.Response rest = send("PATCH", pathOf(location), "chunked",
                java.util.Arrays.copyOfRange(blob, 1000, blob.length), "application/octet-stream");
        assertEquals(202, rest.status(), rest::toString);
        RegistryClient.Response done = client.put(RegistryClient.withQuery(rest.requireHeader("Location"),
                "digest=" + digest), new byte[0]);
        assertEquals(201, done.status(), done::toString);
        assertArrayEquals(blob, client.get("/v2/" + repo + "/blobs/" + digest).body());
    }

    @Test
    void codingsThatDoNotEndInChunkedAreBadRequests() {
        // RFC 9112 6.3: the body's length cannot be known, so 400 and the connection closes (Jetty's answer)
        String repo = RunningRegistry.newRepository("coding");
        PushedImage image = PushedImage.push(client, repo, "v1");
        for (String codings : new String[] {"gzip", "chunked, gzip"}) {
            RegistryClient.Response r = send("PUT", "/v2/" + repo + "/manifests/coded", codings, image.manifest(),
                    Blobs.OCI_MANIFEST);
            assertEquals(400, r.status(), r::toString);
            assertError(client.get("/v2/" + repo + "/manifests/coded"), 404, "MANIFEST_UNKNOWN");
        }
    }
}
