package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Requirement;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A manifest body is exactly one JSON value in UTF-8 without a byte order mark and without a key
 * twice in one object: what Go clients parse, to one meaning. Anything else is refused, so one
 * PUT cannot replace a pullable tag with an unpullable (or two-faced) manifest.
 */
class StrictManifestJsonTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    private static byte[] inserted(byte[] manifest, String after, byte[] insert) {
        String text = new String(manifest, StandardCharsets.UTF_8);
        int at = text.indexOf(after);
        assertTrue(at >= 0, after);
        byte[] head = text.substring(0, at + after.length()).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(at + after.length()).getBytes(StandardCharsets.UTF_8);
        return concat(head, insert, tail);
    }

    /** Variants of a good manifest that Go's encoding/json rejects, or reads to another meaning. */
    private static Map<String, byte[]> badVariants(PushedImage image) {
        byte[] good = image.manifest();
        String text = new String(good, StandardCharsets.UTF_8);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("after its JSON value", concat(good, Blobs.utf8("garbage")));
        bad.put("after its JSON value|two objects", concat(good, good));
        bad.put("after its JSON value|no-break space", concat(good, bytes(0xC2, 0xA0)));
        bad.put("after its JSON value|a comment", concat(good, Blobs.utf8("// note")));
        bad.put("NUL byte|NUL after", concat(good, bytes(0)));
        bad.put("UTF-8 byte order mark", concat(bytes(0xEF, 0xBB, 0xBF), good));
        bad.put("UTF-16 or UTF-32 byte order mark", concat(bytes(0xFE, 0xFF), text.getBytes(StandardCharsets.UTF_16BE)));
        bad.put("UTF-16 or UTF-32 byte order mark|UTF-16LE with BOM", concat(bytes(0xFF, 0xFE),
                text.getBytes(StandardCharsets.UTF_16LE)));
        bad.put("NUL byte|UTF-16BE", text.getBytes(StandardCharsets.UTF_16BE));
        bad.put("NUL byte|UTF-16LE", text.getBytes(StandardCharsets.UTF_16LE));
        bad.put("NUL byte|UTF-32LE", text.getBytes(Charset.forName("UTF-32LE")));
        String annotationValue = "\"annotations\":{\"a\":\"";
        String withAnnotation = text.replaceFirst("\\}$", ",\"annotations\":{\"a\":\"x\"}}");
        byte[] annotated = Blobs.utf8(withAnnotation);
        bad.put("not valid UTF-8|0xFF", inserted(annotated, annotationValue, bytes(0xFF)));
        bad.put("not valid UTF-8|overlong '/'", inserted(annotated, annotationValue, bytes(0xC0, 0xAF)));
        bad.put("not valid UTF-8|encoded surrogate", inserted(annotated, annotationValue, bytes(0xED, 0xA0, 0x80)));
        bad.put("not valid UTF-8|cut sequence", inserted(annotated, annotationValue, bytes(0xE2, 0x82)));
        bad.put("key twice|top level", Blobs.utf8(text.replaceFirst("\\{", "{\"schemaVersion\":2,")));
        bad.put("key twice|layer descriptor", Blobs.utf8(text.replace("\"layers\":[{", "\"layers\":[{\"size\":1,")));
        bad.put("key twice|config digest", Blobs.utf8(text.replace("\"config\":{", "\"config\":{\"digest\":\""
                + Blobs.unknownDigest() + "\",")));
        bad.put("key twice|annotations", Blobs.utf8(withAnnotation.replace("{\"a\":\"x\"}", "{\"a\":\"x\",\"a\":\"y\"}")));
        return bad;
    }

    @Test
    void manifestsGoClientsCannotReadAreRefusedAndTheTagStaysPullable() {
        String repo = RunningRegistry.newRepository("strict");
        PushedImage image = PushedImage.push(client, repo, "v1");
        for (Map.Entry<String, byte[]> bad : badVariants(image).entrySet()) {
            String expected = bad.getKey().split("\\|")[0];
            byte[] body = bad.getValue();
            RegistryClient.Response put = client.putManifest(repo, "v1", Blobs.OCI_MANIFEST, body);
            String detail = assertError(put, 400, "MANIFEST_INVALID").path("detail").asText();
            assertTrue(detail.contains(expected), () -> bad.getKey() + ": " + detail);
            // by digest too, and nothing is stored under either
            assertError(client.putManifest(repo, Blobs.sha256(body), Blobs.OCI_MANIFEST, body), 400,
                    "MANIFEST_INVALID");
            assertError(client.get("/v2/" + repo + "/manifests/" + Blobs.sha256(body)), 404, "MANIFEST_UNKNOWN");
            RegistryClient.Response get = client.get("/v2/" + repo + "/manifests/v1");
            assertEquals(200, get.status(), () -> bad.getKey() + ": " + get);
            assertArrayEquals(image.manifest(), get.body(), bad.getKey());
        }
    }

    @Test
    void messagesNameTheProblem() {
        String repo = RunningRegistry.newRepository("strict");
        PushedImage image = PushedImage.push(client, repo, "v1");
        Map<String, byte[]> bad = badVariants(image);
        String duplicate = client.putManifest(repo, "v2", Blobs.OCI_MANIFEST, bad.get("key twice|top level"))
                .json().path("errors").path(0).path("detail").asText();
        assertTrue(duplicate.contains("'schemaVersion'"), duplicate);
        String trailing = client.putManifest(repo, "v2", Blobs.OCI_MANIFEST, bad.get("after its JSON value"))
                .json().path("errors").path(0).path("detail").asText();
        assertTrue(trailing.contains("at byte " + image.manifest().length), trailing);
    }

    @Test
    void whitespaceAroundTheValueIsFineAndGoClientsReadIt() throws Exception {
        // RFC 8259's four whitespace characters, which Go's encoding/json skips too
        String repo = RunningRegistry.newRepository("strict");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] spaced = concat(Blobs.utf8(" \n\t\r"), image.manifest(), Blobs.utf8("\r\n \t\n"));
        client.pushManifest(repo, "spaced", Blobs.OCI_MANIFEST, spaced);
        RegistryClient.Response get = client.get("/v2/" + repo + "/manifests/spaced");
        assertArrayEquals(spaced, get.body());
        assertEquals(Blobs.sha256(spaced), get.requireHeader("Docker-Content-Digest"));
        // non-ASCII text in UTF-8 is of course fine
        byte[] accented = Blobs.utf8(new String(image.manifest(), StandardCharsets.UTF_8)
                .replaceFirst("\\}$", ",\"annotations\":{\"note\":\"café ☕ 😀\"}}"));
        client.pushManifest(repo, "accented", Blobs.OCI_MANIFEST, accented);
        assertArrayEquals(accented, client.get("/v2/" + repo + "/manifests/accented").body());

        Requirement.requireTools("skopeo");
        for (String tag : new String[] {"spaced", "accented"}) {
            String reference = "docker://" + client.base().getAuthority() + "/" + repo + ":" + tag;
            String output = Command.skopeo("inspect", "--tls-verify=false", reference);
            assertTrue(output.contains(Blobs.sha256(tag.equals("spaced") ? spaced : accented)), output);
        }
    }
}
