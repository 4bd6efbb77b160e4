package dev.berth.registry.http;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.ReferenceRegistry;
import dev.berth.registry.testing.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same sequence of requests against Berth and the reference CNCF Distribution 2.8
 * ({@code docker-registry}): every status must match, except the few places where Berth follows
 * the OCI distribution spec 1.1 and registry:2 predates it (listed, with the reason).
 */
class Registry2ComparisonTest {

    @RegisterExtension
    static final RunningRegistry berth = RunningRegistry.withDelete();

    static ReferenceRegistry reference;
    static Path referenceRoot;
    static RegistryClient referenceClient;

    /** Steps where the answers differ on purpose: step name → why. */
    static final Map<String, String> INTENDED_DIFFERENCES = Map.ofEntries(
            Map.entry("single post", "monolithic POST ?digest= completes the blob (201), which the spec allows;"
                    + " registry:2 2.8 ignores the body and opens an upload (202)"),
            Map.entry("single post wrong digest", "Berth checks that body's digest (400 DIGEST_INVALID);"
                    + " registry:2 2.8 never reads it"),
            Map.entry("chunk out of order", "the spec's 416 with the current Range; registry:2 2.8 takes the chunk"),
            Map.entry("chunk continues", "follows from the previous step: registry:2 2.8 broke the upload"),
            Map.entry("close chunked", "follows from the previous step: registry:2 2.8 broke the upload"),
            Map.entry("tags list n=-1", "the spec's PAGINATION_NUMBER_INVALID (400); registry:2 ignores a bad n"),
            Map.entry("uppercase name", "the spec's NAME_INVALID (400); registry:2's router answers a bare 404"),
            Map.entry("delete tag", "OCI 1.1 tag deletion (202); registry:2 2.8 does not delete tags (400)"),
            Map.entry("referrers", "OCI 1.1 referrers API (200); registry:2 2.8 has none (404)"),
            Map.entry("manifest key twice", "parsers disagree on which of two equal keys counts (Go: the last),"
                    + " so Berth refuses it (400); registry:2 keeps the last"),
            Map.entry("manifest invalid utf-8", "Berth refuses bytes that are not UTF-8 (400); registry:2 stores"
                    + " them and Go clients read U+FFFD instead"),
            Map.entry("manifest by sha384 digest", "Berth keeps manifests by any supported digest, as with sha512"
                    + " (201); registry:2 only by sha256 (400)"),
            Map.entry("escaped slash", "an encoded '/' is never a separator in Berth (Jetty refuses it, 400);"
                    + " registry:2 decodes it to '/'"));

    @BeforeAll
    static void startReference() throws Exception {
        referenceRoot = Files.createTempDirectory("berth-reference-");
        reference = ReferenceRegistry.start(referenceRoot, "");
        referenceClient = reference.client();
    }

    @AfterAll
    static void stopReference() throws Exception {
        if (reference != null) {
            reference.close();
        }
        RunningRegistry.deleteTree(referenceRoot);
    }

    /** The scenario: named steps and their statuses, run the same way against a registry. */
    private static Map<String, Integer> scenario(RegistryClient c) throws IOException {
        Map<String, Integer> s = new LinkedHashMap<>();
        String repo = "compare/repo";
        s.put("version check", c.get("/v2/").status());
        byte[] blob = "a blob for the comparison".getBytes();
        String digest = Blobs.sha256(blob);
        RegistryClient.Response post = c.post("/v2/" + repo + "/blobs/uploads/", null);
        s.put("start upload", post.status());
        String location = post.requireHeader("Location");
        s.put("upload status", c.get(location).status());
        RegistryClient.Response put = c.put(withQuery(location, "digest=" + digest), blob,
                "Content-Type", "application/octet-stream");
        s.put("monolithic put", put.status());
        s.put("head blob", c.head("/v2/" + repo + "/blobs/" + digest).status());
        s.put("get blob", c.get("/v2/" + repo + "/blobs/" + digest).status());
        s.put("range", c.get("/v2/" + repo + "/blobs/" + digest, "Range", "bytes=0-3").status());
        s.put("unknown blob", c.get("/v2/" + repo + "/blobs/" + Blobs.sha256("x".getBytes())).status());
        s.put("bad digest", c.get("/v2/" + repo + "/blobs/sha256:abc").status());
        byte[] blob2 = "a second blob".getBytes();
        s.put("single post", c.post("/v2/" + repo + "/blobs/uploads/?digest=" + Blobs.sha256(blob2), blob2,
                "Content-Type", "application/octet-stream").status());
        s.put("single post wrong digest", c.post("/v2/" + repo + "/blobs/uploads/?digest=" + Blobs.sha256(blob),
                blob2, "Content-Type", "application/octet-stream").status());

        byte[] big = new byte[3000];
        Arrays.fill(big, (byte) 7);
        String chunked = c.post("/v2/" + repo + "/blobs/uploads/", null).requireHeader("Location");
        RegistryClient.Response first = c.patch(chunked, Arrays.copyOfRange(big, 0, 1000),
                "Content-Type", "application/octet-stream", "Content-Range", "0-999");
        s.put("chunk in order", first.status());
        chunked = first.requireHeader("Location");
        s.put("chunk out of order", c.patch(chunked, Arrays.copyOfRange(big, 0, 1000),
                "Content-Type", "application/octet-stream", "Content-Range", "2000-2999").status());
        RegistryClient.Response second = c.patch(chunked, Arrays.copyOfRange(big, 1000, 3000),
                "Content-Type", "application/octet-stream", "Content-Range", "1000-2999");
        s.put("chunk continues", second.status());
        s.put("close chunked", c.put(withQuery(second.header("Location").orElse(chunked), "digest=" + Blobs.sha256(big)),
                new byte[0]).status());
        String cancelled = c.post("/v2/" + repo + "/blobs/uploads/", null).requireHeader("Location");
        s.put("cancel", c.delete(cancelled).status());
        s.put("status after cancel", c.get(cancelled).status());
        s.put("random upload id", c.get("/v2/" + repo + "/blobs/uploads/" + java.util.UUID.randomUUID()).status());
        String wrong = c.post("/v2/" + repo + "/blobs/uploads/", null).requireHeader("Location");
        s.put("wrong digest put", c.put(withQuery(wrong, "digest=" + Blobs.sha256(blob)), blob2,
                "Content-Type", "application/octet-stream").status());

        s.put("mount", c.post("/v2/compare/other/blobs/uploads/?mount=" + digest + "&from=" + repo, null).status());
        s.put("mount missing", c.post("/v2/compare/other/blobs/uploads/?mount=" + Blobs.sha256(big)
                + "&from=compare/nothing", null).status());
        s.put("mount bad digest", c.post("/v2/compare/other/blobs/uploads/?mount=sha256:zz&from=" + repo,
                null).status());

        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes();
        String configDigest = c.pushBlob(repo, config);
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, digest, String.valueOf(blob.length));
        s.put("put manifest", c.putManifest(repo, "v1", Blobs.OCI_MANIFEST, manifest).status());
        s.put("get manifest", c.get("/v2/" + repo + "/manifests/v1", "Accept", Blobs.OCI_MANIFEST).status());
        s.put("head manifest", c.head("/v2/" + repo + "/manifests/v1", "Accept", Blobs.OCI_MANIFEST).status());
        s.put("manifest by digest", c.get("/v2/" + repo + "/manifests/" + Blobs.sha256(manifest),
                "Accept", Blobs.OCI_MANIFEST).status());
        s.put("unknown tag", c.get("/v2/" + repo + "/manifests/nope", "Accept", Blobs.OCI_MANIFEST).status());
        s.put("put by wrong digest", c.putManifest(repo, Blobs.sha256(blob), Blobs.OCI_MANIFEST, manifest).status());
        byte[] missing = Blobs.imageManifest(configDigest, config.length, Blobs.sha256("nope".getBytes()), "4");
        s.put("missing blob", c.putManifest(repo, "v2", Blobs.OCI_MANIFEST, missing).status());
        s.put("invalid json", c.putManifest(repo, "v3", Blobs.OCI_MANIFEST, "{".getBytes()).status());
        s.put("put tag v1.1", c.putManifest(repo, "v1.1", Blobs.OCI_MANIFEST, manifest).status());
        strictManifests(c, repo, manifest, s);
        otherDigestsCodingsAndPaths(c, repo, configDigest, config.length, s);
        s.put("tags list", c.get("/v2/" + repo + "/tags/list").status());
        s.put("tags list n=1", c.get("/v2/" + repo + "/tags/list?n=1").status());
        s.put("tags list n=-1", c.get("/v2/" + repo + "/tags/list?n=-1").status());
        s.put("unknown repo tags", c.get("/v2/compare/nothing/tags/list").status());
        s.put("catalog", c.get("/v2/_catalog").status());
        s.put("catalog n=1", c.get("/v2/_catalog?n=1").status());
        s.put("uppercase name", c.get("/v2/Compare/tags/list").status());
        s.put("referrers", c.get("/v2/" + repo + "/referrers/" + Blobs.sha256(manifest)).status());
        s.put("delete tag", c.delete("/v2/" + repo + "/manifests/v1.1").status());
        s.put("delete manifest", c.delete("/v2/" + repo + "/manifests/" + Blobs.sha256(manifest)).status());
        s.put("manifest after delete", c.get("/v2/" + repo + "/manifests/v1", "Accept", Blobs.OCI_MANIFEST).status());
        s.put("delete blob", c.delete("/v2/" + repo + "/blobs/" + digest).status());
        s.put("blob after delete", c.head("/v2/" + repo + "/blobs/" + digest).status());
        s.put("delete unknown blob", c.delete("/v2/" + repo + "/blobs/" + digest).status());
        return s;
    }

    /** Manifest bodies Go clients cannot read, or read to another meaning; and media type spelling. */
    private static void strictManifests(RegistryClient c, String repo, byte[] manifest, Map<String, Integer> s) {
        String text = new String(manifest, StandardCharsets.UTF_8);
        s.put("manifest trailing data", c.putManifest(repo, "strict", Blobs.OCI_MANIFEST,
                Blobs.utf8(text + "garbage")).status());
        s.put("manifest two objects", c.putManifest(repo, "strict", Blobs.OCI_MANIFEST, Blobs.utf8(text + text))
                .status());
        s.put("manifest byte order mark", c.putManifest(repo, "strict", Blobs.OCI_MANIFEST,
                Blobs.utf8("\uFEFF" + text)).status());
        s.put("manifest utf-16", c.putManifest(repo, "strict", Blobs.OCI_MANIFEST,
                text.getBytes(StandardCharsets.UTF_16LE)).status());
        s.put("manifest trailing whitespace", c.putManifest(repo, "strict", Blobs.OCI_MANIFEST,
                Blobs.utf8(text + " \n")).status());
        s.put("manifest key twice", c.putManifest(repo, "twice", Blobs.OCI_MANIFEST,
                Blobs.utf8(text.replaceFirst("\\{", "{\"schemaVersion\":2,"))).status());
        byte[] invalid = Blobs.utf8(text.replaceFirst("\\}$", ",\"annotations\":{\"a\":\"?\"}}"));
        invalid[invalid.length - 4] = (byte) 0xFF;
        s.put("manifest invalid utf-8", c.putManifest(repo, "invalid", Blobs.OCI_MANIFEST, invalid).status());
        s.put("upper-case content type", c.putManifest(repo, "upper", Blobs.OCI_MANIFEST.toUpperCase(Locale.ROOT)
                + "; charset=UTF-8", manifest).status());
        s.put("upper-case body media type", c.putManifest(repo, "upper", Blobs.OCI_MANIFEST, Blobs.utf8(
                text.replace(Blobs.OCI_MANIFEST, Blobs.OCI_MANIFEST.toUpperCase(Locale.ROOT)))).status());
    }

    private static void otherDigestsCodingsAndPaths(RegistryClient c, String repo, String configDigest,
            long configSize, Map<String, Integer> s) {
        byte[] blob = "a blob by sha384".getBytes(StandardCharsets.UTF_8);
        String sha384 = Blobs.sha384(blob);
        String location = c.post("/v2/" + repo + "/blobs/uploads/", null).requireHeader("Location");
        s.put("sha384 blob", c.put(withQuery(location, "digest=" + sha384), blob,
                "Content-Type", "application/octet-stream").status());
        s.put("head sha384 blob", c.head("/v2/" + repo + "/blobs/" + sha384).status());
        byte[] manifest = Blobs.imageManifest(configDigest, configSize, sha384, String.valueOf(blob.length));
        s.put("manifest with sha384 layer", c.putManifest(repo, "sha384", Blobs.OCI_MANIFEST, manifest).status());
        s.put("manifest by sha384 digest", c.putManifest(repo, Blobs.sha384(manifest), Blobs.OCI_MANIFEST, manifest)
                .status());

        s.put("gzip manifest", c.raw("PUT /v2/" + repo + "/manifests/gzip HTTP/1.1\r\nContent-Type: "
                + Blobs.OCI_MANIFEST + "\r\nTransfer-Encoding: gzip, chunked", RegistryClient.chunked(manifest))
                .status());
        URI upload = URI.create(c.post("/v2/" + repo + "/blobs/uploads/", null).requireHeader("Location"));
        s.put("gzip chunk", c.raw("PATCH " + upload.getRawPath() + "?" + upload.getRawQuery() + " HTTP/1.1\r\n"
                + "Content-Type: application/octet-stream\r\nTransfer-Encoding: gzip, chunked",
                RegistryClient.chunked(blob)).status());

        StringBuilder escaped = new StringBuilder();
        for (char ch : repo.toCharArray()) {
            escaped.append(ch == '/' ? "/" : String.format("%%%02x", (int) ch));
        }
        s.put("escaped unreserved path", c.get("/v2/" + escaped + "/tags/list").status());
        s.put("escaped tag", c.get("/v2/" + repo + "/manifests/%76%31", "Accept", Blobs.OCI_MANIFEST).status());
        s.put("escaped slash", c.get("/v2/" + repo.replace("/", "%2F") + "/tags/list").status());
    }

    @Test
    void sameStatusesAsRegistry2ExceptWhereTheSpecSaysOtherwise() throws Exception {
        Map<String, Integer> ours = scenario(berth.client());
        Map<String, Integer> theirs = scenario(referenceClient);
        assertEquals(theirs.keySet(), ours.keySet());
        List<String> differences = new ArrayList<>();
        for (String step : ours.keySet()) {
            boolean same = ours.get(step).equals(theirs.get(step));
            if (same == INTENDED_DIFFERENCES.containsKey(step)) {
                differences.add(step + ": berth " + ours.get(step) + ", registry:2 " + theirs.get(step)
                        + (same ? " (listed as an intended difference, but they agree)" : ""));
            }
        }
        assertEquals(List.of(), differences, () -> "berth " + ours + "\nregistry:2 " + theirs);
    }
}
