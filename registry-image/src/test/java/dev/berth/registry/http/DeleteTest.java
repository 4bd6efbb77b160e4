package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deleting manifests by digest, tags and blobs, with {@code storage.delete.enabled: true}. */
class DeleteTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    private List<String> tags(String repo) {
        RegistryClient.Response r = client.get("/v2/" + repo + "/tags/list");
        assertEquals(200, r.status(), r::toString);
        List<String> tags = new ArrayList<>();
        r.json().path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    @Test
    void deleteManifestByDigestRemovesItAndTheTagsPointingAtIt() {
        String repo = RunningRegistry.newRepository("delete");
        PushedImage image = PushedImage.push(client, repo, "v1");
        client.pushManifest(repo, "latest", Blobs.OCI_MANIFEST, image.manifest());
        PushedImage other = PushedImage.push(client, repo, "other");

        RegistryClient.Response r = client.delete("/v2/" + repo + "/manifests/" + image.digest());
        assertEquals(202, r.status(), r::toString);
        assertError(client.get("/v2/" + repo + "/manifests/" + image.digest()), 404, "MANIFEST_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/latest"), 404, "MANIFEST_UNKNOWN");
        assertEquals(List.of("other"), tags(repo));
        assertEquals(200, client.head("/v2/" + repo + "/manifests/" + other.digest()).status());
        // blobs stay: only a garbage collection frees them
        assertArrayEquals(image.layer(), client.get("/v2/" + repo + "/blobs/" + image.layerDigest()).body());
        assertError(client.delete("/v2/" + repo + "/manifests/" + image.digest()), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deleteTagKeepsTheManifest() {
        String repo = RunningRegistry.newRepository("delete");
        PushedImage image = PushedImage.push(client, repo, "v1");
        client.pushManifest(repo, "v1.0", Blobs.OCI_MANIFEST, image.manifest());
        RegistryClient.Response r = client.delete("/v2/" + repo + "/manifests/v1");
        assertEquals(202, r.status(), r::toString);
        assertError(client.get("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        assertEquals(200, client.get("/v2/" + repo + "/manifests/v1.0").status());
        assertEquals(200, client.get("/v2/" + repo + "/manifests/" + image.digest()).status());
        assertEquals(List.of("v1.0"), tags(repo));
        assertError(client.delete("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deleteReferrerRemovesItFromTheReferrersList() {
        String repo = RunningRegistry.newRepository("delete");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] artifact = ReferrersTest.pushArtifact(client, repo, image, ReferrersTest.SBOM, Blobs.OCI_EMPTY, null);
        assertEquals(1, referrers(repo, image.digest()).size());
        assertEquals(202, client.delete("/v2/" + repo + "/manifests/" + Blobs.sha256(artifact)).status());
        assertEquals(0, referrers(repo, image.digest()).size());
    }

    @Test
    void deleteSubjectKeepsItsReferrers() {
        String repo = RunningRegistry.newRepository("delete");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] artifact = ReferrersTest.pushArtifact(client, repo, image, ReferrersTest.SBOM, Blobs.OCI_EMPTY, null);
        assertEquals(202, client.delete("/v2/" + repo + "/manifests/" + image.digest()).status());
        assertEquals(200, client.head("/v2/" + repo + "/manifests/" + Blobs.sha256(artifact)).status());
    }

    private JsonNode referrers(String repo, String digest) {
        RegistryClient.Response r = client.get("/v2/" + repo + "/referrers/" + digest);
        assertEquals(200, r.status(), r::toString);
        return r.json().path("manifests");
    }

    @Test
    void deleteBlob() {
        String repo = RunningRegistry.newRepository("delete");
        byte[] content = Blobs.random(100);
        String digest = client.pushBlob(repo, content);
        RegistryClient.Response r = client.delete("/v2/" + repo + "/blobs/" + digest);
        assertEquals(202, r.status(), r::toString);
        assertError(client.get("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        assertEquals(404, client.head("/v2/" + repo + "/blobs/" + digest).status());
        assertError(client.delete("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        // and it can be pushed again
        client.pushBlob(repo, content);
        assertArrayEquals(content, client.get("/v2/" + repo + "/blobs/" + digest).body());
    }

    @Test
    void deleteUnknownThings() {
        String repo = RunningRegistry.newRepository("delete");
        PushedImage.push(client, repo, "v1");
        assertError(client.delete("/v2/" + repo + "/manifests/" + Blobs.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        assertError(client.delete("/v2/" + repo + "/manifests/nope"), 404, "MANIFEST_UNKNOWN");
        assertError(client.delete("/v2/" + repo + "/blobs/" + Blobs.unknownDigest()), 404, "BLOB_UNKNOWN");
        assertEquals(404, client.delete("/v2/no/such/repo/manifests/" + Blobs.unknownDigest()).status());
    }
}
