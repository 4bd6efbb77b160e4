package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Manifest PUT (by tag, by digest), GET and HEAD (by tag, by digest, Accept-aware), reference checks, size limit. */
class ManifestTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    /** A config and a layer in {@code repo}; answers config digest, size, layer digest, size. */
    private String[] blobs(String repo) {
        byte[] config = Blobs.config();
        byte[] layer = Blobs.random(1000);
        return new String[] {client.pushBlob(repo, config), String.valueOf(config.length),
                client.pushBlob(repo, layer), String.valueOf(layer.length)};
    }

    private byte[] manifest(String repo) {
        String[] b = blobs(repo);
        return Blobs.imageManifest(b[0], Long.parseLong(b[1]), b[2], b[3]);
    }

    private void assertManifest(RegistryClient.Response r, byte[] manifest, String mediaType) {
        assertEquals(200, r.status(), r::toString);
        assertArrayEquals(manifest, r.body());
        assertEquals(Blobs.sha256(manifest), r.requireHeader("Docker-Content-Digest"));
        assertEquals(mediaType, r.requireHeader("Content-Type"));
        assertEquals(String.valueOf(manifest.length), r.requireHeader("Content-Length"));
    }

    @Test
    void putByTagThenGetByTagAndByDigest() {
        String repo = RunningRegistry.newRepository("manifest");
        byte[] manifest = manifest(repo);
        RegistryClient.Response put = client.putManifest(repo, "v1", Blobs.OCI_MANIFEST, manifest);
        assertEquals(201, put.status(), put::toString);
        String digest = Blobs.sha256(manifest);
        assertEquals(digest, put.requireHeader("Docker-Content-Digest"));
        assertEquals("/v2/" + repo + "/manifests/" + digest, client.resolve(put.requireHeader("Location")).getPath());
        assertFalse(put.header("OCI-Subject").isPresent());

        assertManifest(client.get("/v2/" + repo + "/manifests/v1"), manifest, Blobs.OCI_MANIFEST);
        assertManifest(client.get("/v2/" + repo + "/manifests/" + digest), manifest, Blobs.OCI_MANIFEST);
        RegistryClient.Response head = client.head("/v2/" + repo + "/manifests/v1");
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals(digest, head.requireHeader("Docker-Content-Digest"));
        assertEquals(String.valueOf(manifest.length), head.requireHeader("Content-Length"));
        assertEquals(Blobs.OCI_MANIFEST, head.requireHeader("Content-Type"));
    }

    @Test
    void putByDigestStoresWithoutTag() {
        String repo = RunningRegistry.newRepository("manifest");
        byte[] manifest = manifest(repo);
        String digest = Blobs.sha256(manifest);
        RegistryClient.Response put = client.putManifest(repo, digest, Blobs.OCI_MANIFEST, manifest);
        assertEquals(201, put.status(), put::toString);
        assertEquals(digest, put.requireHeader("Docker-Content-Digest"));
        assertManifest(client.get("/v2/" + repo + "/manifests/" + digest), manifest, Blobs.OCI_MANIFEST);
        RegistryClient.Response tags = client.get("/v2/" + repo + "/tags/list");
        assertEquals(200, tags.status(), tags::toString);
        assertEquals(0, tags.json().path("tags").size(), tags::toString);
    }

    @Test
    void putByWrongDigestIsDigestInvalidAndStoresNothing() {
        String repo = RunningRegistry.newRepository("manifest");
        byte[] manifest = manifest(repo);
        String wrong = Blobs.unknownDigest();
        assertError(client.putManifest(repo, wrong, Blobs.OCI_MANIFEST, manifest), 400, "DIGEST_INVALID");
        assertError(client.get("/v2/" + repo + "/manifests/" + wrong), 404, "MANIFEST_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/" + Blobs.sha256(manifest)), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void retaggingMovesTheTag() {
        String repo = RunningRegistry.newRepository("manifest");
        byte[] first = manifest(repo);
        byte[] second = manifest(repo);
        client.pushManifest(repo, "latest", Blobs.OCI_MANIFEST, first);
        client.pushManifest(repo, "latest", Blobs.OCI_MANIFEST, second);
        assertManifest(client.get("/v2/" + repo + "/manifests/latest"), second, Blobs.OCI_MANIFEST);
        assertManifest(client.get("/v2/" + repo + "/manifests/" + Blobs.sha256(first)), first, Blobs.OCI_MANIFEST);
    }

    @Test
    void manifestWithSubjectAnswersOciSubject() {
        String repo = RunningRegistry.newRepository("manifest");
        PushedImage image = PushedImage.push(client, repo, "v1");
        byte[] empty = Blobs.utf8("{}");
        String emptyDigest = client.pushBlob(repo, empty);
        byte[] artifact = Blobs.imageManifest(Blobs.OCI_MANIFEST, Blobs.OCI_EMPTY, emptyDigest, 2,
                "application/vnd.example.sbom", "\"subject\":" + Blobs.descriptor(Blobs.OCI_MANIFEST, image.digest(),
                        image.manifest().length));
        RegistryClient.Response put = client.putManifest(repo, Blobs.sha256(artifact), Blobs.OCI_MANIFEST, artifact);
        assertEquals(201, put.status(), put::toString);
        assertEquals(image.digest(), put.requireHeader("OCI-Subject"));
    }

    @Test
    void manifestReferencingAMissingBlobIsRefused() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        byte[] missingLayer = Blobs.imageManifest(b[0], Long.parseLong(b[1]), Blobs.unknownDigest(), "10");
        assertError(client.putManifest(repo, "v1", Blobs.OCI_MANIFEST, missingLayer), 400, "MANIFEST_BLOB_UNKNOWN");
        byte[] missingConfig = Blobs.imageManifest(Blobs.unknownDigest(), 10, b[2], b[3]);
        assertError(client.putManifest(repo, "v1", Blobs.OCI_MANIFEST, missingConfig), 400, "MANIFEST_BLOB_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void manifestReferencingABlobOfAnotherRepositoryIsRefused() {
        String repo = RunningRegistry.newRepository("manifest");
        String other = RunningRegistry.newRepository("manifest");
        byte[] manifest = manifest(other);
        assertError(client.putManifest(repo, "v1", Blobs.OCI_MANIFEST, manifest), 400, "MANIFEST_BLOB_UNKNOWN");
    }

    @Test
    void indexReferencingAMissingChildIsManifestBlobUnknown() {
        String repo = RunningRegistry.newRepository("manifest");
        PushedImage image = PushedImage.push(client, repo, "amd64");
        byte[] index = Blobs.index(Blobs.OCI_INDEX,
                Blobs.OCI_MANIFEST, image.digest(), String.valueOf(image.manifest().length),
                Blobs.OCI_MANIFEST, Blobs.unknownDigest(), "500");
        // The spec: a manifest refused for a missing blob or manifest MUST answer MANIFEST_BLOB_UNKNOWN.
        assertError(client.putManifest(repo, "multi", Blobs.OCI_INDEX, index), 400, "MANIFEST_BLOB_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/multi"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void ociIndexOverTwoImages() {
        String repo = RunningRegistry.newRepository("manifest");
        PushedImage amd64 = PushedImage.push(client, repo, "amd64");
        PushedImage arm64 = PushedImage.push(client, repo, "arm64");
        byte[] index = Blobs.index(Blobs.OCI_INDEX,
                Blobs.OCI_MANIFEST, amd64.digest(), String.valueOf(amd64.manifest().length),
                Blobs.OCI_MANIFEST, arm64.digest(), String.valueOf(arm64.manifest().length));
        client.pushManifest(repo, "multi", Blobs.OCI_INDEX, index);
        assertManifest(client.get("/v2/" + repo + "/manifests/multi"), index, Blobs.OCI_INDEX);
    }

    @Test
    void dockerSchema2ManifestAndManifestList() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        byte[] manifest = Blobs.imageManifest(Blobs.DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json", b[0], Long.parseLong(b[1]), null, null, b[2], b[3]);
        String digest = client.pushManifest(repo, "docker", Blobs.DOCKER_MANIFEST, manifest);
        assertManifest(client.get("/v2/" + repo + "/manifests/docker", "Accept", Blobs.DOCKER_MANIFEST), manifest,
                Blobs.DOCKER_MANIFEST);
        byte[] list = Blobs.index(Blobs.DOCKER_LIST, Blobs.DOCKER_MANIFEST, digest, String.valueOf(manifest.length));
        client.pushManifest(repo, "list", Blobs.DOCKER_LIST, list);
        assertManifest(client.get("/v2/" + repo + "/manifests/list", "Accept", Blobs.DOCKER_LIST + ", "
                + Blobs.DOCKER_MANIFEST), list, Blobs.DOCKER_LIST);
    }

    @Test
    void manifestWithoutMediaTypeTakesTheContentType() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        byte[] manifest = Blobs.utf8("{\"schemaVersion\":2,\"config\":" + Blobs.descriptor(Blobs.OCI_CONFIG, b[0],
                Long.parseLong(b[1])) + ",\"layers\":[]}");
        client.pushManifest(repo, "v1", Blobs.OCI_MANIFEST, manifest);
        assertManifest(client.get("/v2/" + repo + "/manifests/v1"), manifest, Blobs.OCI_MANIFEST);
    }

    @Test
    void getHonoursAccept() {
        String repo = RunningRegistry.newRepository("manifest");
        PushedImage image = PushedImage.push(client, repo, "v1");
        String path = "/v2/" + repo + "/manifests/v1";
        assertManifest(client.get(path, "Accept", Blobs.OCI_MANIFEST), image.manifest(), Blobs.OCI_MANIFEST);
        assertManifest(client.get(path, "Accept", "*/*"), image.manifest(), Blobs.OCI_MANIFEST);
        assertManifest(client.get(path, "Accept", Blobs.DOCKER_MANIFEST + ";q=0.9, " + Blobs.OCI_MANIFEST + ";q=0.5"),
                image.manifest(), Blobs.OCI_MANIFEST);
        // repeated Accept headers count together
        assertManifest(client.get(path, "Accept", Blobs.DOCKER_MANIFEST, "Accept", Blobs.OCI_MANIFEST),
                image.manifest(), Blobs.OCI_MANIFEST);
        // an OCI manifest is not served to a client that only takes Docker types (as registry:2)
        assertError(client.get(path, "Accept", Blobs.DOCKER_MANIFEST), 404, "MANIFEST_UNKNOWN");
        assertEquals(404, client.head(path, "Accept", Blobs.DOCKER_MANIFEST).status());
    }

    @Test
    void unknownManifestsAre404() {
        String repo = RunningRegistry.newRepository("manifest");
        PushedImage.push(client, repo, "v1");
        assertError(client.get("/v2/" + repo + "/manifests/v2"), 404, "MANIFEST_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/" + Blobs.unknownDigest()), 404, "MANIFEST_UNKNOWN");
        assertEquals(404, client.head("/v2/" + repo + "/manifests/v2").status());
        RegistryClient.Response noRepo = client.get("/v2/no/such/repo/manifests/latest");
        assertEquals(404, noRepo.status(), noRepo::toString);
    }

    @Test
    void manifestOfExactly4MiBIsAcceptedAndOneByteMoreRefused() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        byte[] base = Blobs.imageManifest(b[0], Long.parseLong(b[1]), b[2], b[3]);
        int limit = 4 * 1024 * 1024;
        byte[] exact = padded(base, limit);
        assertEquals(limit, exact.length);
        RegistryClient.Response ok = client.putManifest(repo, "big", Blobs.OCI_MANIFEST, exact);
        assertEquals(201, ok.status(), ok::toString);
        assertArrayEquals(exact, client.get("/v2/" + repo + "/manifests/big").body());

        byte[] tooBig = padded(base, limit + 1);
        RegistryClient.Response refused = client.putManifest(repo, "huge", Blobs.OCI_MANIFEST, tooBig);
        assertError(refused, 413, "SIZE_INVALID");
        assertError(client.get("/v2/" + repo + "/manifests/huge"), 404, "MANIFEST_UNKNOWN");
        assertError(client.get("/v2/" + repo + "/manifests/" + Blobs.sha256(tooBig)), 404, "MANIFEST_UNKNOWN");
    }

    /** The manifest with an annotation that brings it to exactly {@code size} bytes. */
    private static byte[] padded(byte[] manifest, int size) {
        String text = new String(manifest, java.nio.charset.StandardCharsets.UTF_8);
        String prefix = text.substring(0, text.length() - 1) + ",\"annotations\":{\"pad\":\"";
        String suffix = "\"}}";
        char[] pad = new char[size - prefix.length() - suffix.length()];
        Arrays.fill(pad, 'x');
        return Blobs.utf8(prefix + new String(pad) + suffix);
    }

    @Test
    void invalidManifestsAreManifestInvalid() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        String config = Blobs.descriptor(Blobs.OCI_CONFIG, b[0], Long.parseLong(b[1]));
        String layer = Blobs.descriptor(Blobs.OCI_LAYER, b[2], Long.parseLong(b[3]));
        String[] bodies = {
            "",
            "not json",
            "{\"schemaVersion\":2,",
            "[]",
            "null",
            "{}",
            "{\"schemaVersion\":1,\"config\":" + config + ",\"layers\":[]}",
            "{\"schemaVersion\":3,\"config\":" + config + ",\"layers\":[]}",
            "{\"schemaVersion\":\"2\",\"config\":" + config + ",\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"layers\":[" + layer + "]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":" + config + "}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":" + config
                    + ",\"layers\":{}}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":\"x\",\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":"
                    + Blobs.descriptor(Blobs.OCI_CONFIG, b[0], -1) + ",\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                    + Blobs.OCI_CONFIG + "\",\"digest\":\"" + b[0] + "\",\"size\":\"12\"},\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                    + Blobs.OCI_CONFIG + "\",\"digest\":\"" + b[0] + "\",\"size\":1.5},\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                    + Blobs.OCI_CONFIG + "\",\"digest\":\"" + b[0] + "\",\"size\":99999999999999999999999},"
                    + "\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                    + Blobs.OCI_CONFIG + "\",\"digest\":\"sha256:abc\",\"size\":1},\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":{\"digest\":\"" + b[0]
                    + "\",\"size\":1},\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":" + config
                    + ",\"layers\":[],\"annotations\":{\"a\":1}}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\",\"config\":" + config
                    + ",\"layers\":[],\"subject\":\"x\"}",
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.example.unknown\",\"config\":" + config
                    + ",\"layers\":[]}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\"}",
            "{\"schemaVersion\":2,\"mediaType\":\"" + Blobs.OCI_INDEX + "\",\"manifests\":[{\"digest\":1}]}",
        };
        for (String body : bodies) {
            RegistryClient.Response r = client.putManifest(repo, "bad", Blobs.OCI_MANIFEST, Blobs.utf8(body));
            assertEquals(400, r.status(), () -> body + " answered " + r);
            String code = r.json().path("errors").path(0).path("code").asText();
            assertEquals("MANIFEST_INVALID", code, () -> body + " answered " + r);
        }
        assertError(client.get("/v2/" + repo + "/manifests/bad"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void mediaTypeThatContradictsContentTypeIsManifestInvalid() {
        String repo = RunningRegistry.newRepository("manifest");
        byte[] manifest = manifest(repo);
        assertError(client.putManifest(repo, "v1", Blobs.DOCKER_MANIFEST, manifest), 400, "MANIFEST_INVALID");
        assertError(client.putManifest(repo, "v1", Blobs.OCI_INDEX, manifest), 400, "MANIFEST_INVALID");
        // parameters on the Content-Type are fine
        RegistryClient.Response ok = client.putManifest(repo, "v1", Blobs.OCI_MANIFEST + "; charset=utf-8",
                manifest);
        assertEquals(201, ok.status(), ok::toString);
    }

    @Test
    void contentTypeIsCaseInsensitiveAndTheRegisteredNameIsStored() {
        // RFC 9110: type and subtype are case-insensitive (registry:2 takes these too)
        String repo = RunningRegistry.newRepository("manifest");
        byte[] manifest = manifest(repo);
        client.pushManifest(repo, "upper", "APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON", manifest);
        client.pushManifest(repo, "mixed", "Application/Vnd.Oci.Image.Manifest.V1+Json ; charset=UTF-8", manifest);
        assertManifest(client.get("/v2/" + repo + "/manifests/upper"), manifest, Blobs.OCI_MANIFEST);
        assertManifest(client.get("/v2/" + repo + "/manifests/mixed"), manifest, Blobs.OCI_MANIFEST);
        // without a mediaType in the body the header decides, and what is served is the registered name
        String[] b = blobs(repo);
        byte[] bare = Blobs.utf8("{\"schemaVersion\":2,\"config\":" + Blobs.descriptor(Blobs.OCI_CONFIG, b[0],
                Long.parseLong(b[1])) + ",\"layers\":[]}");
        client.pushManifest(repo, "bare", "APPLICATION/VND.DOCKER.DISTRIBUTION.MANIFEST.V2+JSON", bare);
        RegistryClient.Response head = client.head("/v2/" + repo + "/manifests/bare");
        assertEquals(Blobs.DOCKER_MANIFEST, head.requireHeader("Content-Type"));
        // Accept compares the same way
        assertManifest(client.get("/v2/" + repo + "/manifests/upper", "Accept", "APPLICATION/VND.OCI.IMAGE.MANIFEST"
                + ".V1+JSON"), manifest, Blobs.OCI_MANIFEST);
        assertError(client.get("/v2/" + repo + "/manifests/upper", "Accept", "APPLICATION/VND.DOCKER.DISTRIBUTION"
                + ".MANIFEST.V2+JSON"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void mediaTypeInTheBodyMustBeTheRegisteredName() {
        // clients compare the body's mediaType as a plain string; registry:2 refuses other spellings too
        String repo = RunningRegistry.newRepository("manifest");
        byte[] upper = Blobs.utf8(new String(manifest(repo), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"mediaType\":\"" + Blobs.OCI_MANIFEST + "\"", "\"mediaType\":\""
                        + Blobs.OCI_MANIFEST.toUpperCase(java.util.Locale.ROOT) + "\""));
        for (String type : new String[] {Blobs.OCI_MANIFEST, Blobs.OCI_MANIFEST.toUpperCase(java.util.Locale.ROOT)}) {
            String detail = assertError(client.putManifest(repo, "v1", type, upper), 400, "MANIFEST_INVALID")
                    .path("detail").asText();
            assertTrue(detail.contains("unsupported manifest media type " + Blobs.OCI_MANIFEST.toUpperCase(java.util.Locale.ROOT)), detail);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha384", "sha512"})
    void manifestWithAnotherDigestAlgorithm(String algorithm) {
        String repo = RunningRegistry.newRepository("manifest");
        byte[] config = Blobs.config();
        byte[] layer = Blobs.random(700);
        String configDigest = client.pushBlob(repo, config, Blobs.digest(algorithm, config));
        String layerDigest = client.pushBlob(repo, layer, Blobs.digest(algorithm, layer));
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, layerDigest, "700");
        // referenced by tag (registry:2 takes that too) and by a digest of the same algorithm
        client.pushManifest(repo, "v1", Blobs.OCI_MANIFEST, manifest);
        String digest = Blobs.digest(algorithm, manifest);
        RegistryClient.Response put = client.putManifest(repo, digest, Blobs.OCI_MANIFEST, manifest);
        assertEquals(201, put.status(), put::toString);
        assertEquals(digest, put.requireHeader("Docker-Content-Digest"));
        RegistryClient.Response get = client.get("/v2/" + repo + "/manifests/" + digest);
        assertEquals(200, get.status(), get::toString);
        assertArrayEquals(manifest, get.body());
        assertEquals(digest, get.requireHeader("Docker-Content-Digest"));
        assertArrayEquals(layer, client.get("/v2/" + repo + "/blobs/" + layerDigest).body());
        assertError(client.putManifest(repo, Blobs.digest(algorithm, config), Blobs.OCI_MANIFEST, manifest), 400,
                "DIGEST_INVALID");
    }

    @Test
    void manifestsAreSeenOnlyInTheirRepository() {
        String repo = RunningRegistry.newRepository("manifest");
        String other = RunningRegistry.newRepository("manifest");
        PushedImage image = PushedImage.push(client, repo, "v1");
        PushedImage.push(client, other, "v0");
        assertError(client.get("/v2/" + other + "/manifests/" + image.digest()), 404, "MANIFEST_UNKNOWN");
        assertError(client.get("/v2/" + other + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        // a manifest is not a blob of the repository (as registry:2)
        assertError(client.get("/v2/" + repo + "/blobs/" + image.digest()), 404, "BLOB_UNKNOWN");
        // and a blob is not a manifest
        assertError(client.get("/v2/" + repo + "/manifests/" + image.layerDigest()), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void unknownContentTypeWithoutMediaTypeIsManifestInvalid() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        byte[] manifest = Blobs.utf8("{\"schemaVersion\":2,\"config\":" + Blobs.descriptor(Blobs.OCI_CONFIG, b[0],
                Long.parseLong(b[1])) + ",\"layers\":[]}");
        assertError(client.putManifest(repo, "v1", "text/plain", manifest), 400, "MANIFEST_INVALID");
        assertError(client.putManifest(repo, "v1", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                manifest), 400, "MANIFEST_INVALID");
        assertEquals(201, client.put("/v2/" + repo + "/manifests/v1", manifest).status(),
                "no Content-Type and no mediaType: an OCI manifest by its shape");
    }

    @Test
    void deletedManifestCanBePushedAgain() {
        String repo = RunningRegistry.newRepository("manifest");
        PushedImage image = PushedImage.push(client, repo, "v1");
        assertEquals(202, client.delete("/v2/" + repo + "/manifests/" + image.digest()).status());
        assertError(client.get("/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        client.pushManifest(repo, "v1", Blobs.OCI_MANIFEST, image.manifest());
        assertManifest(client.get("/v2/" + repo + "/manifests/v1"), image.manifest(), Blobs.OCI_MANIFEST);
    }

    @Test
    void oversizedManifestWithoutContentLengthIsRefusedToo() {
        String repo = RunningRegistry.newRepository("manifest");
        String[] b = blobs(repo);
        byte[] tooBig = padded(Blobs.imageManifest(b[0], Long.parseLong(b[1]), b[2], b[3]), 4 * 1024 * 1024 + 100);
        RegistryClient.Response r = client.sendStreamed("PUT", "/v2/" + repo + "/manifests/streamed", tooBig,
                "Content-Type", Blobs.OCI_MANIFEST);
        assertError(r, 413, "SIZE_INVALID");
        assertError(client.get("/v2/" + repo + "/manifests/streamed"), 404, "MANIFEST_UNKNOWN");
    }
}
