package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v2/<name>/referrers/<digest>}: an OCI index of the manifests whose subject is the digest. */
class ReferrersTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    static final String SBOM = "application/vnd.example.sbom.v1+json";
    static final String SIGNATURE = "application/vnd.example.signature.v1";

    /** Pushes an artifact manifest referring to {@code subject}; answers its bytes. */
    static byte[] pushArtifact(RegistryClient client, String repo, PushedImage subject, String artifactType,
            String configMediaType, String annotations) {
        byte[] config = configMediaType.equals(Blobs.OCI_EMPTY) ? Blobs.utf8("{}") : Blobs.config();
        String configDigest = client.pushBlob(repo, config);
        byte[] layer = Blobs.random(100);
        String layerDigest = client.pushBlob(repo, layer);
        String extra = "\"subject\":" + Blobs.descriptor(Blobs.OCI_MANIFEST, subject.digest(),
                subject.manifest().length) + (annotations == null ? "" : ",\"annotations\":" + annotations);
        byte[] manifest = Blobs.imageManifest(Blobs.OCI_MANIFEST, configMediaType, configDigest, config.length,
                artifactType, extra, layerDigest, "100");
        RegistryClient.Response put = client.putManifest(repo, Blobs.sha256(manifest), Blobs.OCI_MANIFEST, manifest);
        assertEquals(201, put.status(), put::toString);
        assertEquals(subject.digest(), put.requireHeader("OCI-Subject"));
        return manifest;
    }

    private JsonNode referrers(String repo, String digest, String query) {
        RegistryClient.Response r = client.get("/v2/" + repo + "/referrers/" + digest + query);
        assertEquals(200, r.status(), r::toString);
        assertEquals(Blobs.OCI_INDEX, r.requireHeader("Content-Type"));
        JsonNode index = r.json();
        assertEquals(2, index.path("schemaVersion").asInt());
        assertEquals(Blobs.OCI_INDEX, index.path("mediaType").asText());
        assertTrue(index.path("manifests").isArray(), r::toString);
        return index;
    }

    private static Map<String, JsonNode> byDigest(JsonNode index) {
        Map<String, JsonNode> map = new HashMap<>();
        index.path("manifests").forEach(d -> map.put(d.path("digest").asText(), d));
        return map;
    }

    @Test
    void listsReferrersWithTheirDescriptors() {
        String repo = RunningRegistry.newRepository("referrers");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] sbom = pushArtifact(client, repo, image, SBOM, Blobs.OCI_EMPTY, "{\"org.example.kind\":\"sbom\"}");
        byte[] signature = pushArtifact(client, repo, image, null, SIGNATURE, null);

        Map<String, JsonNode> found = byDigest(referrers(repo, image.digest(), ""));
        assertEquals(2, found.size(), found::toString);
        JsonNode sbomDescriptor = found.get(Blobs.sha256(sbom));
        assertEquals(Blobs.OCI_MANIFEST, sbomDescriptor.path("mediaType").asText());
        assertEquals(sbom.length, sbomDescriptor.path("size").asLong());
        assertEquals(SBOM, sbomDescriptor.path("artifactType").asText());
        assertEquals("sbom", sbomDescriptor.path("annotations").path("org.example.kind").asText());
        // without artifactType, the config's media type stands for it
        JsonNode signatureDescriptor = found.get(Blobs.sha256(signature));
        assertEquals(SIGNATURE, signatureDescriptor.path("artifactType").asText());
        assertEquals(signature.length, signatureDescriptor.path("size").asLong());
    }

    @Test
    void filtersByArtifactType() {
        String repo = RunningRegistry.newRepository("referrers");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] sbom = pushArtifact(client, repo, image, SBOM, Blobs.OCI_EMPTY, null);
        pushArtifact(client, repo, image, SIGNATURE, Blobs.OCI_EMPTY, null);

        RegistryClient.Response r = client.get("/v2/" + repo + "/referrers/" + image.digest() + "?artifactType="
                + SBOM.replace("+", "%2B"));
        assertEquals(200, r.status(), r::toString);
        assertEquals("artifactType", r.requireHeader("OCI-Filters-Applied"));
        Map<String, JsonNode> found = byDigest(r.json());
        assertEquals(1, found.size(), r::toString);
        assertTrue(found.containsKey(Blobs.sha256(sbom)));

        RegistryClient.Response none = client.get("/v2/" + repo + "/referrers/" + image.digest()
                + "?artifactType=application/vnd.example.none");
        assertEquals(200, none.status());
        assertEquals("artifactType", none.requireHeader("OCI-Filters-Applied"));
        assertEquals(0, none.json().path("manifests").size());

        RegistryClient.Response unfiltered = client.get("/v2/" + repo + "/referrers/" + image.digest());
        assertFalse(unfiltered.header("OCI-Filters-Applied").isPresent());
    }

    @Test
    void referrerPushedBeforeItsSubject() {
        String repo = RunningRegistry.newRepository("referrers");
        // the subject's manifest is known (bytes and digest) but not pushed yet
        byte[] config = Blobs.config();
        String configDigest = client.pushBlob(repo, config);
        byte[] subjectManifest = Blobs.imageManifest(configDigest, config.length);
        PushedImage subject = new PushedImage(repo, subjectManifest, Blobs.sha256(subjectManifest), configDigest,
                new byte[0], null);
        byte[] artifact = pushArtifact(client, repo, subject, SBOM, Blobs.OCI_EMPTY, null);
        assertEquals(404, client.head("/v2/" + repo + "/manifests/" + subject.digest()).status());
        assertTrue(byDigest(referrers(repo, subject.digest(), "")).containsKey(Blobs.sha256(artifact)));

        client.pushManifest(repo, "v1", Blobs.OCI_MANIFEST, subjectManifest);
        assertTrue(byDigest(referrers(repo, subject.digest(), "")).containsKey(Blobs.sha256(artifact)));
    }

    @Test
    void indexAsReferrer() {
        String repo = RunningRegistry.newRepository("referrers");
        PushedImage image = PushedImage.push(client, repo, "v1");
        PushedImage child = PushedImage.push(client, repo, "child");
        byte[] index = Blobs.utf8("{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\",\"artifactType\":\""
                + SBOM + "\",\"manifests\":[" + Blobs.descriptor(Blobs.OCI_MANIFEST, child.digest(),
                        child.manifest().length) + "],\"subject\":" + Blobs.descriptor(Blobs.OCI_MANIFEST,
                                image.digest(), image.manifest().length) + "}");
        RegistryClient.Response put = client.putManifest(repo, Blobs.sha256(index), Blobs.OCI_INDEX, index);
        assertEquals(201, put.status(), put::toString);
        assertEquals(image.digest(), put.requireHeader("OCI-Subject"));
        JsonNode descriptor = byDigest(referrers(repo, image.digest(), "")).get(Blobs.sha256(index));
        assertEquals(Blobs.OCI_INDEX, descriptor.path("mediaType").asText());
        assertEquals(SBOM, descriptor.path("artifactType").asText());
    }

    @Test
    void anEmptyArtifactTypeCountsAsMissing() {
        String repo = RunningRegistry.newRepository("referrers");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] manifest = pushArtifact(client, repo, image, "", SIGNATURE, null);
        byte[] index = Blobs.utf8("{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\",\"artifactType\":\"\","
                + "\"manifests\":[],\"subject\":" + Blobs.descriptor(Blobs.OCI_MANIFEST, image.digest(),
                        image.manifest().length) + "}");
        assertEquals(201, client.putManifest(repo, Blobs.sha256(index), Blobs.OCI_INDEX, index).status());

        Map<String, JsonNode> listed = byDigest(referrers(repo, image.digest(), ""));
        // The spec: an image manifest's empty artifactType falls back to its config's media type,
        // an index's is left out.
        assertEquals(SIGNATURE, listed.get(Blobs.sha256(manifest)).path("artifactType").asText());
        assertTrue(listed.get(Blobs.sha256(index)).path("artifactType").isMissingNode());
        JsonNode filtered = referrers(repo, image.digest(), "?artifactType=" + SIGNATURE);
        assertEquals(1, filtered.path("manifests").size());
    }

    @Test
    void noReferrersIsAnEmptyIndex() {
        String repo = RunningRegistry.newRepository("referrers");
        PushedImage image = PushedImage.push(client, repo, "v1");
        assertEquals(0, referrers(repo, image.digest(), "").path("manifests").size());
        assertEquals(0, referrers(repo, Blobs.unknownDigest(), "").path("manifests").size());
    }

    @Test
    void unknownRepositoryIsAnEmptyIndexNot404() {
        // distribution-spec 1.1: a registry that supports the referrers API MUST NOT answer it with 404
        assertEquals(0, referrers("no/such/repository", Blobs.unknownDigest(), "").path("manifests").size());
    }

    @Test
    void referrersOfAnotherRepositoryAreNotListed() {
        String repo = RunningRegistry.newRepository("referrers");
        String other = RunningRegistry.newRepository("referrers");
        PushedImage image = PushedImage.push(client, repo, "v1");
        // the same subject digest, referred to from another repository
        pushArtifact(client, other, image, SBOM, Blobs.OCI_EMPTY, null);
        assertEquals(0, referrers(repo, image.digest(), "").path("manifests").size());
        assertEquals(1, referrers(other, image.digest(), "").path("manifests").size());
    }

    @Test
    void invalidDigestIs400() {
        String repo = RunningRegistry.newRepository("referrers");
        PushedImage.push(client, repo, "v1");
        assertError(client.get("/v2/" + repo + "/referrers/sha256:abc"), 400, "DIGEST_INVALID");
        assertError(client.get("/v2/" + repo + "/referrers/latest"), 400, "DIGEST_INVALID");
        assertError(client.put("/v2/" + repo + "/referrers/" + Blobs.unknownDigest(), new byte[0]), 405,
                "UNSUPPORTED");
    }
}
