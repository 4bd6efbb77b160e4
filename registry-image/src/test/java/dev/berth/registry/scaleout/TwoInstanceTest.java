package dev.berth.registry.scaleout;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.s3.S3ProxyFixture;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.OciLayout;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import dev.berth.registry.testing.Requirement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two registry processes on one S3 bucket (S3Proxy), as ECS tasks behind a round-robin load
 * balancer: every step of a push goes to the other instance than the step before, and
 * everything written through one is read back through the other at once.
 */
class TwoInstanceTest {

    private static final String SECRET = "shared-upload-state-secret";
    private static final String OCTET = "application/octet-stream";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final int MIB = 1024 * 1024;

    private static RegistryProcess a;
    private static RegistryProcess b;
    /** Same bucket, another upload-state secret, redirects disabled. */
    private static RegistryProcess other;

    @BeforeAll
    static void start() throws Exception {
        S3ProxyFixture s3 = S3ProxyFixture.get();
        String bucket = s3.newBucket();
        Map<String, String> env = new HashMap<>(s3.registryEnvironment(bucket));
        env.put("REGISTRY_HTTP_SECRET", SECRET);
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        env.put("REGISTRY_STORAGE_S3_CHUNKSIZE", String.valueOf(5 * MIB));
        Map<String, String> otherSecret = new HashMap<>(env);
        otherSecret.put("REGISTRY_HTTP_SECRET", "some-other-secret");
        otherSecret.put("REGISTRY_STORAGE_REDIRECT_DISABLE", "true");
        // Short-lived JVMs moving little data: C1 only starts them faster on a 2-core machine.
        List<String> jvm = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        RegistryProcess.Launch launch = RegistryProcess.Launch.TEST_CLASSPATH;
        a = RegistryProcess.start("a", launch, env, jvm, null);
        b = RegistryProcess.start("b", launch, env, jvm, null);
        other = RegistryProcess.start("other-secret", launch, otherSecret, jvm, null);
        a.awaitReady();
        b.awaitReady();
        other.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (RegistryProcess p : new RegistryProcess[] {a, b, other}) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void aChunkedUploadAlternatingBetweenInstancesMakesTheRightBlob() throws Exception {
        String repo = "scale/chunked";
        byte[] content = Blobs.random(6 * MIB + 1 + MIB + 5 * MIB + 77, 1);
        int[] chunks = {6 * MIB + 1, MIB, 5 * MIB + 77}; // the middle one is below S3's part minimum
        RegistryClient.Response started = send(a, "POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, started.status(), started::text);
        assertEquals(String.valueOf(5 * MIB), started.requireHeader("OCI-Chunk-Min-Length"));
        String upload = location(started);
        RegistryProcess[] turn = {b, a, b};
        int offset = 0;
        for (int i = 0; i < chunks.length; i++) {
            byte[] chunk = java.util.Arrays.copyOfRange(content, offset, offset + chunks[i]);
            RegistryClient.Response patched = send(turn[i], "PATCH", upload, chunk, "Content-Type", OCTET,
                    "Content-Range", offset + "-" + (offset + chunk.length - 1));
            assertEquals(202, patched.status(), patched::text);
            offset += chunk.length;
            assertEquals("0-" + (offset - 1), patched.requireHeader("Range"));
            upload = location(patched);
        }
        String status = upload;
        RegistryClient.Response progress = send(a, "GET", status, null);
        assertEquals(204, progress.status(), progress::text);
        assertEquals("0-" + (content.length - 1), progress.requireHeader("Range"));

        String digest = Blobs.sha256(content);
        RegistryClient.Response done = send(a, "PUT", withQuery(upload, "digest=" + digest), null);
        assertEquals(201, done.status(), done::text);
        assertPullable(repo, digest, content);
        // The digest came from the SHA-256 state carried from instance to instance, not from
        // reading the upload back from S3 (aDigestWithoutSavedStateIsReadBack shows the count works).
        String id = ReadBacks.uploadId(upload);
        assertEquals(0, ReadBacks.of(a, id) + ReadBacks.of(b, id), "upload " + id + " was read back for hashing");
    }

    @Test
    void aDigestWithoutSavedStateIsReadBackOnce() {
        // The counterpart of the check above: sha512 has no saved state, so the committing
        // instance reads the upload back, and ReadBacks must see it.
        String repo = "scale/read-back";
        byte[] content = Blobs.random(MIB + 11, 8);
        String upload = startUpload(a, repo);
        RegistryClient.Response patched = send(b, "PATCH", upload, content, "Content-Type", OCTET,
                "Content-Range", "0-" + (content.length - 1));
        assertEquals(202, patched.status(), patched::text);
        String digest = Blobs.sha512(content);
        RegistryClient.Response done = send(a, "PUT", withQuery(location(patched), "digest=" + digest), null);
        assertEquals(201, done.status(), done::text);
        String id = ReadBacks.uploadId(upload);
        assertEquals(1, ReadBacks.of(a, id) + ReadBacks.of(b, id), "read-backs of upload " + id);
        assertArrayEquals(content, following(b).get("/v2/" + repo + "/blobs/" + digest).body());
    }

    @Test
    void aMonolithicUploadStartedOnOneInstanceIsCompletedOnTheOther() {
        String repo = "scale/monolithic";
        byte[] content = Blobs.random(7 * MIB + 3, 2);
        String digest = Blobs.sha256(content);
        String upload = startUpload(b, repo);
        RegistryClient.Response done = send(a, "PUT", withQuery(upload, "digest=" + digest), content,
                "Content-Type", OCTET);
        assertEquals(201, done.status(), done::text);
        assertPullable(repo, digest, content);

        byte[] single = Blobs.random(300_000, 3);
        RegistryClient.Response posted = send(b, "POST",
                "/v2/" + repo + "/blobs/uploads/?digest=" + Blobs.sha256(single),
                single, "Content-Type", OCTET);
        assertEquals(201, posted.status(), posted::text);
        assertPullable(repo, Blobs.sha256(single), single);
    }

    @Test
    void aBlobMountedOnOneInstanceIsInTheOtherRepositoryOnBoth() {
        byte[] content = Blobs.random(MIB, 4);
        String digest = pushBlob(a, "scale/mount-source", content);
        RegistryClient.Response mounted = send(b, "POST",
                "/v2/scale/mount-target/blobs/uploads/?mount=" + digest + "&from=scale/mount-source", null);
        assertEquals(201, mounted.status(), mounted::text);
        assertPullable("scale/mount-target", digest, content);
    }

    @Test
    void manifestsTagsAndReferrersWrittenOnOneInstanceAreSeenOnTheOtherAtOnce() {
        String repo = "scale/manifests";
        byte[] layer = Blobs.random(2 * MIB, 5);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String layerDigest = pushBlob(a, repo, layer);
        String configDigest = pushBlob(b, repo, config);
        byte[] first = manifest(configDigest, config.length, layerDigest, layer.length, "first", null);
        String firstDigest = Blobs.sha256(first);

        assertEquals(201, send(a, "PUT", "/v2/" + repo + "/manifests/latest", first, "Content-Type", OCI_MANIFEST)
                .status());
        RegistryClient.Response onB = send(b, "GET", "/v2/" + repo + "/manifests/latest", null, "Accept", OCI_MANIFEST);
        assertEquals(200, onB.status());
        assertArrayEquals(first, onB.body());
        assertEquals(firstDigest, onB.requireHeader("Docker-Content-Digest"));
        assertTrue(send(b, "GET", "/v2/" + repo + "/tags/list", null).text().contains("\"latest\""));

        // Re-tag on B: A answers with the new manifest straight away.
        byte[] second = manifest(configDigest, config.length, layerDigest, layer.length, "second", null);
        String secondDigest = Blobs.sha256(second);
        assertEquals(201, send(b, "PUT", "/v2/" + repo + "/manifests/latest", second, "Content-Type", OCI_MANIFEST)
                .status());
        assertEquals(secondDigest, send(a, "HEAD", "/v2/" + repo + "/manifests/latest", null, "Accept", OCI_MANIFEST)
                .requireHeader("Docker-Content-Digest"));

        // A referrer pushed on A is listed by B.
        byte[] signature = manifest(configDigest, config.length, layerDigest, layer.length, "signature",
                new String[] {firstDigest, String.valueOf(first.length)});
        assertEquals(201, send(a, "PUT", "/v2/" + repo + "/manifests/" + Blobs.sha256(signature), signature,
                "Content-Type", OCI_MANIFEST).status());
        assertTrue(send(b, "GET", "/v2/" + repo + "/referrers/" + firstDigest, null).text()
                .contains(Blobs.sha256(signature)));

        // Deleted on A: gone on B at once, tag included.
        assertEquals(202, send(a, "DELETE", "/v2/" + repo + "/manifests/" + secondDigest, null).status());
        assertEquals(404, send(b, "GET", "/v2/" + repo + "/manifests/" + secondDigest, null, "Accept", OCI_MANIFEST)
                .status());
        assertEquals(404, send(b, "GET", "/v2/" + repo + "/manifests/latest", null, "Accept", OCI_MANIFEST)
                .status());
        assertEquals(200, send(b, "GET", "/v2/" + repo + "/manifests/" + firstDigest, null, "Accept", OCI_MANIFEST)
                .status());
    }

    @Test
    void uploadStateSignedWithAnotherSecretIsAClearClientError() {
        String upload = startUpload(a, "scale/secret");
        RegistryClient.Response refused = send(other, "PATCH", upload, Blobs.random(1000, 6), "Content-Type", OCTET,
                "Content-Range", "0-999");
        assertTrue(refused.status() >= 400 && refused.status() < 500, () -> refused.status() + " "
                + refused.text());
        assertTrue(refused.text().contains("BLOB_UPLOAD_INVALID"), refused::text);
        // The instances sharing the secret carry on.
        RegistryClient.Response accepted = send(b, "PATCH", upload, Blobs.random(1000, 6), "Content-Type", OCTET,
                "Content-Range", "0-999");
        assertEquals(202, accepted.status(), accepted::text);
    }

    @Test
    void skopeoPushesToOneInstanceAndPullsFromTheOther(@TempDir Path work) throws Exception {
        Requirement.requireTools("skopeo");
        Path source = work.resolve("source");
        OciLayout layout = new OciLayout(source);
        OciLayout.Ref image = layout.image("amd64", Blobs.random(11 * MIB + 5, 7));
        layout.tag("v1", image);
        String reference = "scale/skopeo:v1";
        Command.skopeo("copy", "--dest-tls-verify=false", "oci:" + source + ":v1",
                "docker://" + a.base().getAuthority() + "/" + reference);
        Path pulled = work.resolve("pulled");
        Command.skopeo("copy", "--src-tls-verify=false", "docker://" + b.base().getAuthority() + "/" + reference,
                "oci:" + pulled + ":v1");
        assertEquals(image.digest(), OciLayout.find(pulled, "v1").path("digest").asText());
        Map<String, byte[]> sent = OciLayout.blobs(source);
        Map<String, byte[]> received = OciLayout.blobs(pulled);
        for (String blob : OciLayout.closure(sent, image.digest())) {
            assertArrayEquals(sent.get(blob), received.get(blob), blob);
        }
    }

    // ---- helpers ----

    private static final Map<RegistryProcess, RegistryClient> CLIENTS = new IdentityHashMap<>();
    private static final Map<RegistryProcess, RegistryClient> FOLLOWING = new IdentityHashMap<>();

    private static synchronized RegistryClient client(RegistryProcess on) {
        return CLIENTS.computeIfAbsent(on, p -> new RegistryClient(p.base()));
    }

    /** A client that follows the registry's redirects to S3Proxy, as a pulling client does. */
    private static synchronized RegistryClient following(RegistryProcess on) {
        return FOLLOWING.computeIfAbsent(on, p -> RegistryClient.followingRedirects(p.base()));
    }

    private static RegistryClient.Response send(RegistryProcess to, String method, String path, byte[] body,
            String... headers) {
        return client(to).send(method, path, body, headers);
    }

    /** The Location as path and query, to send on to the other instance. */
    private static String location(RegistryClient.Response response) {
        return RegistryClient.relative(response.requireHeader("Location"));
    }

    private static String startUpload(RegistryProcess on, String repo) {
        RegistryClient.Response started = send(on, "POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, started.status(), started::text);
        return location(started);
    }

    private static String pushBlob(RegistryProcess on, String repo, byte[] content) {
        String digest = Blobs.sha256(content);
        String upload = startUpload(on, repo);
        RegistryProcess next = on == a ? b : a;
        RegistryClient.Response done = send(next, "PUT", withQuery(upload, "digest=" + digest), content,
                "Content-Type", OCTET);
        assertEquals(201, done.status(), done::text);
        return digest;
    }

    /**
     * HEAD and GET (redirects followed, ranges too) from both instances, and streamed by the
     * third one, which has redirects disabled.
     */
    private static void assertPullable(String repo, String digest, byte[] content) {
        RegistryClient.Response streamed = send(other, "GET", "/v2/" + repo + "/blobs/" + digest, null);
        assertEquals(200, streamed.status(), "storage.redirect.disable: the registry streams the blob");
        assertArrayEquals(content, streamed.body());
        RegistryClient.Response streamedRange = send(other, "GET", "/v2/" + repo + "/blobs/" + digest, null,
                "Range", "bytes=5-8");
        assertEquals(206, streamedRange.status());
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 5, 9), streamedRange.body());
        for (RegistryProcess from : List.of(a, b)) {
            RegistryClient.Response head = send(from, "HEAD", "/v2/" + repo + "/blobs/" + digest, null);
            assertEquals(200, head.status(), from.name());
            assertEquals(String.valueOf(content.length), head.requireHeader("Content-Length"));
            RegistryClient.Response redirect = send(from, "GET", "/v2/" + repo + "/blobs/" + digest, null);
            assertEquals(307, redirect.status(), from.name());
            RegistryClient.Response pulled = following(from).get("/v2/" + repo + "/blobs/" + digest);
            assertEquals(200, pulled.status(), from.name());
            assertArrayEquals(content, pulled.body(), from.name());
            RegistryClient.Response range = following(from).get("/v2/" + repo + "/blobs/" + digest,
                    "Range", "bytes=10-19");
            assertEquals(206, range.status(), from.name());
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 10, 20), range.body());
        }
    }

    private static byte[] manifest(String configDigest, int configSize, String layerDigest, int layerSize,
            String annotation, String[] subject) {
        String subjectJson = subject == null ? "" : ",\"subject\":{\"mediaType\":\"" + OCI_MANIFEST
                + "\",\"digest\":\"" + subject[0] + "\",\"size\":" + subject[1] + "}";
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest + "\",\"size\":" + configSize + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
                + layerDigest + "\",\"size\":" + layerSize + "}],"
                + "\"annotations\":{\"test\":\"" + annotation + "\"}" + subjectJson + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
