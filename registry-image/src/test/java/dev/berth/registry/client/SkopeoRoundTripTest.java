package dev.berth.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Blobs;
import static dev.berth.registry.testing.Command.skopeo;

import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Requirement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * skopeo, the real client, copies OCI layouts made here into the registry and back out: an
 * image, a multi-arch index and an artifact with a subject come back byte-identical.
 */
class SkopeoRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    @BeforeAll
    static void needsSkopeo() {
        Requirement.requireTools("skopeo");
    }

    private static String host() {
        return "127.0.0.1:" + registry.server().port();
    }

    private static void push(Path layout, String tag, String repository, boolean all) throws Exception {
        List<String> args = new ArrayList<>(List.of("copy", "--dest-tls-verify=false"));
        if (all) {
            args.add("--all");
        }
        args.addAll(List.of("oci:" + layout + ":" + tag, "docker://" + host() + "/" + repository + ":" + tag));
        skopeo(args.toArray(String[]::new));
    }

    private static void pull(String repository, String tag, Path layout, boolean all) throws Exception {
        List<String> args = new ArrayList<>(List.of("copy", "--src-tls-verify=false"));
        if (all) {
            args.add("--all");
        }
        args.addAll(List.of("docker://" + host() + "/" + repository + ":" + tag, "oci:" + layout + ":" + tag));
        skopeo(args.toArray(String[]::new));
    }

    /** The pulled layout names the same manifest, and holds every blob it references byte for byte. */
    private static void assertSameContent(Path in, Path out, String tag, OciLayout.Ref ref) throws IOException {
        JsonNode pulled = OciLayout.find(out, tag);
        assertEquals(ref.digest(), pulled.path("digest").asText(), "manifest digest after the round trip");
        assertEquals(ref.size(), pulled.path("size").asLong());
        Map<String, byte[]> original = OciLayout.blobs(in);
        Map<String, byte[]> copy = OciLayout.blobs(out);
        List<String> closure = OciLayout.closure(original, ref.digest());
        assertEquals(closure, OciLayout.closure(copy, ref.digest()));
        for (String digest : closure) {
            assertArrayEquals(original.get(digest), copy.get(digest), digest + " differs after the round trip");
            assertEquals(digest, Blobs.sha256(copy.get(digest)));
        }
    }

    @Test
    void imageRoundTripIsByteIdentical(@TempDir Path in, @TempDir Path out) throws Exception {
        OciLayout layout = new OciLayout(in);
        OciLayout.Ref image = layout.image("amd64", 3);
        layout.tag("v1", image);
        String repo = "skopeo/image";
        push(in, "v1", repo, false);

        RegistryClient.Response manifest = registry.client().get("/v2/" + repo + "/manifests/v1");
        assertEquals(200, manifest.status(), manifest::toString);
        assertArrayEquals(image.bytes(), manifest.body());

        pull(repo, "v1", out, false);
        assertSameContent(in, out, "v1", image);
    }

    @Test
    void multiArchIndexRoundTripIsByteIdentical(@TempDir Path in, @TempDir Path out) throws Exception {
        OciLayout layout = new OciLayout(in);
        Map<String, OciLayout.Ref> images = new LinkedHashMap<>();
        images.put("amd64", layout.image("amd64", 2));
        images.put("arm64", layout.image("arm64", 2));
        OciLayout.Ref index = layout.index(images);
        layout.tag("multi", index);
        String repo = "skopeo/multi-arch";
        push(in, "multi", repo, true);

        RegistryClient.Response got = registry.client().get("/v2/" + repo + "/manifests/multi");
        assertEquals(Blobs.OCI_INDEX, got.requireHeader("Content-Type"));
        assertArrayEquals(index.bytes(), got.body());
        for (OciLayout.Ref child : images.values()) {
            assertEquals(200, registry.client().head("/v2/" + repo + "/manifests/" + child.digest()).status());
        }

        pull(repo, "multi", out, true);
        assertSameContent(in, out, "multi", index);
    }

    @Test
    void artifactWithSubjectRoundTripAndReferrers(@TempDir Path in, @TempDir Path out) throws Exception {
        OciLayout layout = new OciLayout(in);
        OciLayout.Ref image = layout.image("amd64", 1);
        String sbomType = "application/vnd.example.sbom.v1+json";
        OciLayout.Ref artifact = layout.artifact(sbomType, image,
                "{\"packages\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8));
        layout.tag("v1", image);
        layout.tag("sbom", artifact);
        String repo = "skopeo/with-referrer";
        // the referrer first: its subject need not exist yet
        push(in, "sbom", repo, false);
        push(in, "v1", repo, false);

        RegistryClient.Response referrers = registry.client().get("/v2/" + repo + "/referrers/" + image.digest());
        assertEquals(200, referrers.status(), referrers::toString);
        JsonNode descriptors = referrers.json().path("manifests");
        assertEquals(1, descriptors.size(), referrers::toString);
        assertEquals(artifact.digest(), descriptors.get(0).path("digest").asText());
        assertEquals(sbomType, descriptors.get(0).path("artifactType").asText());
        assertEquals("made by a test", descriptors.get(0).path("annotations").path("org.example.note").asText());

        pull(repo, "sbom", out, false);
        assertSameContent(in, out, "sbom", artifact);
        pull(repo, "v1", out, false);
        assertSameContent(in, out, "v1", image);
    }

    @Test
    void inspectListTagsAndDelete(@TempDir Path in) throws Exception {
        OciLayout layout = new OciLayout(in);
        OciLayout.Ref image = layout.image("arm64", 1);
        layout.tag("v1", image);
        String repo = "skopeo/manage";
        push(in, "v1", repo, false);
        skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://" + host() + "/" + repo + ":v1", "docker://" + host() + "/" + repo + ":v1.1");

        JsonNode inspect = JSON.readTree(skopeo("inspect", "--tls-verify=false", "docker://" + host() + "/" + repo
                + ":v1"));
        assertEquals(image.digest(), inspect.path("Digest").asText());
        assertEquals("arm64", inspect.path("Architecture").asText());
        assertEquals(1, inspect.path("Layers").size());
        String raw = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + host() + "/" + repo + ":v1.1");
        assertEquals(new String(image.bytes(), StandardCharsets.UTF_8), raw.strip());

        JsonNode tags = JSON.readTree(skopeo("list-tags", "--tls-verify=false", "docker://" + host() + "/" + repo));
        List<String> names = new ArrayList<>();
        tags.path("Tags").forEach(t -> names.add(t.asText()));
        assertEquals(List.of("v1", "v1.1"), names);

        skopeo("delete", "--tls-verify=false", "docker://" + host() + "/" + repo + "@" + image.digest());
        assertEquals(404, registry.client().get("/v2/" + repo + "/manifests/v1").status());
        assertEquals(404, registry.client().get("/v2/" + repo + "/manifests/" + image.digest()).status());
        Command gone = Command.trySkopeo("inspect", "--tls-verify=false", "docker://" + host() + "/" + repo + ":v1");
        assertNotEquals(0, gone.exitCode(), gone.output());
        assertTrue(gone.output().toLowerCase().contains("manifest unknown")
                || gone.output().toLowerCase().contains("not found"), gone.output());
    }
}
