package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Malformed names, tags, digests, upload ids and requests: always a 4xx with the right code, never a 5xx. */
class BadInputTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    static final String REPO = RunningRegistry.newRepository("bad-input");
    static PushedImage image;

    @BeforeAll
    static void push() {
        image = PushedImage.push(registry.client(), REPO, "v1");
    }

    private final RegistryClient client = registry.client();

    static final String LONG_NAME = "a".repeat(200) + "/" + "b".repeat(55); // 256 characters

    @Test
    void badRepositoryNamesAreNameInvalid() {
        String digest = Blobs.unknownDigest();
        // ambiguous paths, refused by Jetty before routing, with the same error JSON
        for (String name : List.of("a//b", "a%2Fb", "/a", "a/", "a%2F..%2Fb")) {
            assertError(client.get("/v2/" + name + "/tags/list"), 400, "NAME_INVALID");
            assertError(client.putManifest(name, "v1", Blobs.OCI_MANIFEST, image.manifest()), 400, "NAME_INVALID");
        }
        for (String name : List.of("Upper", "upper/Case", LONG_NAME, "-lead", "trail-", "a..b", "a/.b",
                "a/_b", "a___b", "a%20b", "a:b")) {
            assertError(client.get("/v2/" + name + "/tags/list"), 400, "NAME_INVALID");
            assertError(client.get("/v2/" + name + "/manifests/latest"), 400, "NAME_INVALID");
            assertEquals(400, client.head("/v2/" + name + "/blobs/" + digest).status(), name);
            assertError(client.post("/v2/" + name + "/blobs/uploads/", null), 400, "NAME_INVALID");
            assertError(client.putManifest(name, "v1", Blobs.OCI_MANIFEST, image.manifest()), 400, "NAME_INVALID");
        }
        // 255 characters is fine
        String longest = "a".repeat(200) + "/" + "b".repeat(54);
        assertEquals(255, longest.length());
        assertEquals(202, client.post("/v2/" + longest + "/blobs/uploads/", null).status());
    }

    @Test
    void dotDotComponentsAreRefused() {
        for (String path : List.of("/v2/a/../b/tags/list", "/v2/../tags/list", "/v2/a/%2e%2e/b/tags/list",
                "/v2/" + REPO + "/../x/manifests/v1")) {
            ErrorAssertions.assertClientError(client.get(path), path);
        }
    }

    @Test
    void badTagsAreRefusedOnPushAndNameNothingOnPull() {
        for (String tag : List.of("t".repeat(129), ".dot", "-dash", "a%20b", "caf%C3%A9", "a+b")) {
            RegistryClient.Response put = client.putManifest(REPO, tag, Blobs.OCI_MANIFEST, image.manifest());
            assertError(put, 400, "MANIFEST_INVALID");
            // Like registry:2: a reference that can be no tag names no manifest.
            assertError(client.get("/v2/" + REPO + "/manifests/" + tag), 404, "MANIFEST_UNKNOWN");
            assertEquals(404, client.head("/v2/" + REPO + "/manifests/" + tag).status());
            assertError(client.delete("/v2/" + REPO + "/manifests/" + tag), 404, "MANIFEST_UNKNOWN");
        }
        String longest = "t".repeat(128);
        assertEquals(201, client.putManifest(REPO, longest, Blobs.OCI_MANIFEST, image.manifest()).status());
        assertEquals(200, client.get("/v2/" + REPO + "/manifests/" + longest).status());
    }

    @Test
    void tagsWithDotsInsideAreTags() {
        // The spec's tag pattern allows "..": storage must not take it for a parent directory.
        for (String tag : List.of("a..b", "v1..", "x...y", "_..")) {
            assertEquals(201, client.putManifest(REPO, tag, Blobs.OCI_MANIFEST, image.manifest()).status(), tag);
            assertEquals(200, client.get("/v2/" + REPO + "/manifests/" + tag).status(), tag);
            assertEquals(202, client.delete("/v2/" + REPO + "/manifests/" + tag).status(), tag);
            assertError(client.get("/v2/" + REPO + "/manifests/" + tag), 404, "MANIFEST_UNKNOWN");
        }
    }

    @Test
    void unsupportedMethodsAre405WithAllow() {
        String blob = "/v2/" + REPO + "/blobs/" + image.digest();
        RegistryClient.Response put = client.put(blob, new byte[] {1});
        assertError(put, 405, "UNSUPPORTED");
        assertEquals("GET, HEAD, DELETE", put.requireHeader("Allow"));
        assertEquals("GET, HEAD, PUT, DELETE",
                client.post("/v2/" + REPO + "/manifests/v1", new byte[0]).requireHeader("Allow"));
        assertEquals("GET", client.delete("/v2/" + REPO + "/tags/list").requireHeader("Allow"));
        assertEquals("POST", client.get("/v2/" + REPO + "/blobs/uploads/").requireHeader("Allow"));
    }

    static final List<String> BAD_DIGESTS = List.of(
            "sha256:abc",
            "sha256:" + "a".repeat(63),
            "sha256:" + "a".repeat(65),
            "sha256:" + "A".repeat(64),
            "sha256:" + "g".repeat(64),
            "sha512:" + "a".repeat(64),
            "md5:" + "a".repeat(32),
            "sha384:" + "a".repeat(64),
            "sha384:" + "a".repeat(128),
            "sha256:",
            "sha256",
            ":" + "a".repeat(64),
            "SHA256:" + "a".repeat(64));

    @Test
    void badDigestsAreDigestInvalid() {
        for (String digest : BAD_DIGESTS) {
            String d = digest.replace(":", "%3A");
            assertError(client.get("/v2/" + REPO + "/blobs/" + d), 400, "DIGEST_INVALID");
            assertError(client.delete("/v2/" + REPO + "/blobs/" + d), 400, "DIGEST_INVALID");
            assertError(client.post("/v2/" + REPO + "/blobs/uploads/?digest=" + d, Blobs.random(10)), 400,
                    "DIGEST_INVALID");
            String location = client.startUpload(REPO);
            assertError(client.put(withQuery(location, "digest=" + d), Blobs.random(10)), 400, "DIGEST_INVALID");
            if (digest.contains(":")) { // without a colon it is a tag
                assertError(client.get("/v2/" + REPO + "/manifests/" + digest), 400, "DIGEST_INVALID");
                assertError(client.putManifest(REPO, digest, Blobs.OCI_MANIFEST, image.manifest()), 400,
                        "DIGEST_INVALID");
            }
        }
    }

    @Test
    void unknownUploadIdsAreBlobUploadUnknown() {
        String base = "/v2/" + REPO + "/blobs/uploads/";
        for (String id : List.of("..", "%2e%2e", "%2F")) { // path tricks: refused before or by routing
            ErrorAssertions.assertClientError(client.get(base + id), "GET upload " + id);
            ErrorAssertions.assertClientError(client.patch(base + id, Blobs.random(10)), "PATCH upload " + id);
        }
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid", "x".repeat(300),
                UUID.randomUUID().toString().toUpperCase())) {
            assertError(client.get(base + id), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(client.patch(base + id, Blobs.random(10)), 404, "BLOB_UPLOAD_UNKNOWN");
            assertError(client.put(base + id + "?digest=" + Blobs.unknownDigest(), Blobs.random(10)), 404,
                    "BLOB_UPLOAD_UNKNOWN");
            assertError(client.delete(base + id), 404, "BLOB_UPLOAD_UNKNOWN");
        }
    }

    @Test
    void uploadOfAnotherRepositoryIsUnknownHere() {
        String other = RunningRegistry.newRepository("bad-input-other");
        String location = client.startUpload(other);
        String id = location.replaceAll("^.*/blobs/uploads/([^?]+).*$", "$1");
        String here = "/v2/" + REPO + "/blobs/uploads/" + id;
        assertError(client.get(here), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client.patch(here, Blobs.random(10)), 404, "BLOB_UPLOAD_UNKNOWN");
        // with the other repository's signed state: the state does not fit this repository
        String state = location.substring(location.indexOf('?'));
        assertError(client.get(here + state), 400, "BLOB_UPLOAD_INVALID");
        assertError(client.patch(here + state, Blobs.random(10)), 400, "BLOB_UPLOAD_INVALID");
        // and the upload is intact in its own repository
        RegistryClient.Response status = client.get(location);
        assertEquals(204, status.status(), status::toString);
    }

    @Test
    void tamperedStateIsBlobUploadInvalid() {
        String location = client.startUpload(REPO);
        String bare = location.substring(0, location.indexOf('?'));
        for (String state : List.of("AAAA", "not*base64", "", "%00", "x".repeat(5000))) {
            RegistryClient.Response r = client.get(bare + "?_state=" + state);
            if (state.isEmpty() && r.status() == 204) {
                continue; // an empty _state may count as none
            }
            assertError(r, 400, "BLOB_UPLOAD_INVALID");
        }
        assertEquals(204, client.get(bare).status(), "without _state the id alone finds the upload");
    }

    @Test
    void unsupportedMethodsAre405() {
        assertError(client.send("POST", "/v2/" + REPO + "/manifests/v1", new byte[0]), 405, "UNSUPPORTED");
        assertError(client.send("PATCH", "/v2/" + REPO + "/blobs/" + image.layerDigest(), new byte[0]), 405,
                "UNSUPPORTED");
        assertError(client.put("/v2/" + REPO + "/blobs/uploads/", new byte[0]), 405, "UNSUPPORTED");
        assertError(client.post("/v2/" + REPO + "/tags/list", new byte[0]), 405, "UNSUPPORTED");
    }

    /** One malformed request of the table below. */
    private record Bad(String method, String path, byte[] body, String... headers) {}

    @Test
    void noMalformedRequestGetsA5xx() {
        String upload = client.startUpload(REPO);
        String digest = image.digest();
        byte[] garbage = Blobs.random(64);
        List<Bad> table = new ArrayList<>();
        for (String name : List.of("UPPER", "a//b", LONG_NAME, "a/../b", "_x", "x_", "é")) {
            for (String suffix : List.of("/tags/list", "/manifests/v1", "/blobs/" + digest, "/blobs/uploads/",
                    "/referrers/" + digest)) {
                table.add(new Bad("GET", "/v2/" + name.replace("é", "%C3%A9") + suffix, null));
            }
        }
        for (String digestText : BAD_DIGESTS) {
            String d = digestText.replace(":", "%3A");
            table.add(new Bad("GET", "/v2/" + REPO + "/blobs/" + d, null));
            table.add(new Bad("HEAD", "/v2/" + REPO + "/manifests/" + d, null));
            table.add(new Bad("GET", "/v2/" + REPO + "/referrers/" + d, null));
            table.add(new Bad("POST", "/v2/" + REPO + "/blobs/uploads/?digest=" + d, garbage));
            table.add(new Bad("PUT", withQuery(upload, "digest=" + d), garbage));
        }
        for (String contentRange : List.of("x", "1-0", "0-", "-1", "99999999999999999999-99999999999999999999",
                "0-9223372036854775807", "bytes 0-9/10", "0-9/x")) {
            table.add(new Bad("PATCH", upload, garbage, "Content-Range", contentRange));
            table.add(new Bad("PUT", withQuery(upload, "digest=" + Blobs.sha256(garbage)), garbage,
                    "Content-Range", contentRange));
        }
        for (String n : List.of("-1", "abc", "1e3", "99999999999999999999", "0x10", " 1")) {
            table.add(new Bad("GET", "/v2/" + REPO + "/tags/list?n=" + n.replace(" ", "%20"), null));
            table.add(new Bad("GET", "/v2/_catalog?n=" + n.replace(" ", "%20"), null));
        }
        for (String body : List.of("", "{", "[1,2]", "\"x\"", "{\"schemaVersion\":2}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\",\"manifests\":[null]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":null,\"layers\":null}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":{},\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":[],\"layers\":[[]]}",
                "{\"schemaVersion\":2,\"mediaType\":" + "[".repeat(2000) + "]".repeat(2000) + "}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"subject\":{\"digest\":5}}",
                "{\"schemaVersion\":9223372036854775808}", "\u0000\u0001")) {
            for (String type : List.of(Blobs.OCI_MANIFEST, Blobs.OCI_INDEX, "text/plain", "")) {
                String[] headers = type.isEmpty() ? new String[0] : new String[] {"Content-Type", type};
                table.add(new Bad("PUT", "/v2/" + REPO + "/manifests/bad", Blobs.utf8(body), headers));
            }
        }
        table.add(new Bad("PUT", "/v2/" + REPO + "/manifests/bad", garbage, "Content-Type", Blobs.OCI_MANIFEST));
        table.add(new Bad("PUT", "/v2/" + REPO + "/manifests/" + Blobs.sha256(garbage), garbage));
        table.add(new Bad("GET", "/v2/" + REPO + "/blobs/", null));
        table.add(new Bad("GET", "/v2/" + REPO + "/manifests/", null));
        table.add(new Bad("DELETE", "/v2/" + REPO + "/blobs/uploads/", null));
        table.add(new Bad("OPTIONS", "/v2/" + REPO + "/manifests/v1", null));
        table.add(new Bad("TRACE", "/v2/", null));

        List<String> failures = new ArrayList<>();
        for (Bad bad : table) {
            RegistryClient.Response r;
            try {
                r = client.send(bad.method(), bad.path(), bad.body(), bad.headers());
            } catch (RuntimeException e) {
                failures.add(bad.method() + " " + bad.path() + ": " + e);
                continue;
            }
            if (r.status() < 400 || r.status() >= 500) {
                failures.add(bad.method() + " " + bad.path() + " " + String.join(" ", bad.headers()) + " -> " + r);
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + table.size() + " malformed requests did not"
                + " answer 4xx:\n" + String.join("\n", failures));
        // the registry is still fine afterwards
        assertEquals(200, client.get("/v2/" + REPO + "/manifests/v1").status());
    }

    @Test
    void malformedRangeHeadersAreIgnoredOrRefusedNever5xx() {
        // RFC 9110 lets a server ignore a Range it cannot parse (200 with the whole blob) or refuse it (416)
        String path = "/v2/" + REPO + "/blobs/" + image.layerDigest();
        for (String range : List.of("bytes=a-b", "bytes=99999999999999999999-", "bytes=-99999999999999999999",
                "bytes=5-1", "bytes=0-1,3-4", "items=0-1", "bytes=--1", "bytes=")) {
            RegistryClient.Response r = client.get(path, "Range", range);
            assertTrue(r.status() == 200 || r.status() == 206 || r.status() == 416, () -> range + " -> " + r);
            if (r.status() == 200) {
                assertEquals(image.layer().length, r.body().length);
            }
        }
    }

    @Test
    void strangeAcceptHeadersAreNever5xx() {
        String path = "/v2/" + REPO + "/manifests/v1";
        for (String accept : List.of(";;;,,,*/*;q=x", ",", "application/", "*", "text/html")) {
            RegistryClient.Response r = client.get(path, "Accept", accept);
            assertTrue(r.status() == 200 || r.status() == 404 || r.status() == 406, () -> accept + " -> " + r);
        }
    }

    /** A request written by hand, and the status and error code it must be answered with. */
    private record Raw(String request, int status, String code) {}

    @Test
    void rawMalformedHttpGetsItsOwnClientError() throws IOException {
        String host = "Host: 127.0.0.1\r\nConnection: close\r\n";
        List<Raw> requests = List.of(
                new Raw("GET /v2/%zz/tags/list HTTP/1.1\r\n" + host + "\r\n", 400, "UNKNOWN"),
                new Raw("GET /v2/a/../../etc/passwd HTTP/1.1\r\n" + host + "\r\n", 404, "UNSUPPORTED"),
                new Raw("GET /v2/" + REPO + "/manifests/%00 HTTP/1.1\r\n" + host + "\r\n", 400, "UNKNOWN"),
                new Raw("GET /v2/" + REPO + "/blobs/sha256%3a" + "0".repeat(64) + "%00 HTTP/1.1\r\n" + host + "\r\n",
                        400, "UNKNOWN"),
                new Raw("PATCH /v2/" + REPO + "/blobs/uploads/" + UUID.randomUUID() + " HTTP/1.1\r\n" + host
                        + "Content-Length: -5\r\n\r\n", 400, "SIZE_INVALID"),
                new Raw("PATCH /v2/" + REPO + "/blobs/uploads/" + UUID.randomUUID() + " HTTP/1.1\r\n" + host
                        + "Content-Length: abc\r\n\r\n", 400, "SIZE_INVALID"),
                new Raw("PUT /v2/" + REPO + "/manifests/x HTTP/1.1\r\n" + host + "Content-Length: 99999999999\r\n"
                        + "Content-Type: " + Blobs.OCI_MANIFEST + "\r\n\r\n{}", 413, "SIZE_INVALID"),
                new Raw("PUT /v2/" + REPO + "/manifests/x HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n"
                        + "Content-Type: " + Blobs.OCI_MANIFEST + "\r\n\r\nzz\r\n", 400, "UNKNOWN"),
                new Raw("GET /v2/" + "a/".repeat(3000) + "tags/list HTTP/1.1\r\n" + host + "\r\n", 400,
                        "NAME_INVALID"),
                new Raw("BREW /v2/ HTTP/1.1\r\n" + host + "\r\n", 405, "UNSUPPORTED"),
                new Raw("GET /v2/" + REPO + "/blobs/uploads/" + UUID.randomUUID() + "?_state=%ZZ HTTP/1.1\r\n" + host
                        + "\r\n", 400, "UNSUPPORTED"),
                new Raw("GET /v2/" + REPO + "/referrers/" + image.digest() + "?artifactType=%ZZ HTTP/1.1\r\n" + host
                        + "\r\n", 400, "UNSUPPORTED"),
                new Raw("GET /v2/" + REPO + "/tags/list?n=%ZZ HTTP/1.1\r\n" + host + "\r\n", 400, "UNSUPPORTED"));
        List<String> failures = new ArrayList<>();
        for (Raw raw : requests) {
            // Each must be answered: a dropped connection is a failure too.
            String answer = rawAnswer(raw.request());
            String statusLine = answer.lines().findFirst().orElse("").trim();
            String expected = "HTTP/1.1 " + raw.status() + " ";
            String code = "{\"errors\":[{\"code\":\"" + raw.code() + "\"";
            if (!statusLine.startsWith(expected) || !answer.contains(code)) {
                failures.add(raw.request().lines().findFirst().orElse("") + " -> wanted " + raw.status() + " "
                        + raw.code() + ", got: " + answer);
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    @Test
    void aRefusedRequestWithABodyLeavesTheConnectionUsable() throws IOException {
        // the body is refused before it is read; the registry reads it away so the next request works
        byte[] body = Blobs.random(256 * 1024);
        String refused = "PUT /v2/" + REPO + "/blobs/uploads/" + UUID.randomUUID() + "?digest="
                + Blobs.sha256(body) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        String next = "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", registry.server().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(refused.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            // A pause, not a wait for an event: the registry answers only once the body is read away,
            // so nothing shows it has decided; the pause makes the body arrive after that, as from a
            // client that streams it.
            sleep(300);
            String answers;
            try {
                out.write(body);
                out.write(next.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException e) {
                throw new AssertionError("the registry dropped the connection after refusing the request", e);
            }
            assertTrue(answers.startsWith("HTTP/1.1 404"), answers);
            assertTrue(answers.contains("BLOB_UPLOAD_UNKNOWN"), answers);
            assertTrue(answers.indexOf("HTTP/1.1 200") > 0, () -> "no answer to the second request: " + answers);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The raw answer (status line, headers, start of the body), or a note that the connection closed. */
    private String rawAnswer(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", registry.server().port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (answer.size() < 16_384 && (n = in.read(buffer)) != -1) {
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        } catch (java.net.SocketException e) {
            return "(connection closed: " + e.getMessage() + ")";
        }
    }
}
