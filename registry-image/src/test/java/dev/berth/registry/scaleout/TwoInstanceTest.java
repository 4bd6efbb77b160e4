package dev.berth.registry.scaleout;

import dev.berth.registry.testing.RegistryProcess;
import static dev.berth.registry.scaleout.Http.digest;
import static dev.berth.registry.scaleout.Http.location;
import static dev.berth.registry.scaleout.Http.send;
import static dev.berth.registry.scaleout.Http.text;
import static dev.berth.registry.scaleout.Http.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.storage.s3.S3ProxyFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        byte[] content = random(6 * MIB + 1 + MIB + 5 * MIB + 77, 1);
        int[] chunks = {6 * MIB + 1, MIB, 5 * MIB + 77}; // the middle one is below S3's part minimum
        HttpResponse<byte[]> started = send(a, "POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, started.statusCode(), () -> text(started));
        assertEquals(String.valueOf(5 * MIB), started.headers().firstValue("OCI-Chunk-Min-Length").orElseThrow());
        String upload = location(started);
        RegistryProcess[] turn = {b, a, b};
        int offset = 0;
        for (int i = 0; i < chunks.length; i++) {
            byte[] chunk = java.util.Arrays.copyOfRange(content, offset, offset + chunks[i]);
            HttpResponse<byte[]> patched = send(turn[i], "PATCH", upload, chunk, "Content-Type", OCTET,
                    "Content-Range", offset + "-" + (offset + chunk.length - 1));
            assertEquals(202, patched.statusCode(), () -> text(patched));
            offset += chunk.length;
            assertEquals("0-" + (offset - 1), patched.headers().firstValue("Range").orElseThrow());
            upload = location(patched);
        }
        String status = upload;
        HttpResponse<byte[]> progress = send(a, "GET", status, null);
        assertEquals(204, progress.statusCode(), () -> text(progress));
        assertEquals("0-" + (content.length - 1), progress.headers().firstValue("Range").orElseThrow());

        String digest = digest(content);
        HttpResponse<byte[]> done = send(a, "PUT", withQuery(upload, "digest=" + digest), null);
        assertEquals(201, done.statusCode(), () -> text(done));
        assertPullable(repo, digest, content);
        // The digest came from the SHA-256 state carried from instance to instance, not from
        // reading the upload back from S3.
        assertTrue(a.log().lines().noneMatch(l -> l.contains("read back for hashing")));
        assertTrue(b.log().lines().noneMatch(l -> l.contains("read back for hashing")));
    }

    @Test
    void aMonolithicUploadStartedOnOneInstanceIsCompletedOnTheOther() {
        String repo = "scale/monolithic";
        byte[] content = random(7 * MIB + 3, 2);
        String digest = digest(content);
        String upload = startUpload(b, repo);
        HttpResponse<byte[]> done = send(a, "PUT", withQuery(upload, "digest=" + digest), content,
                "Content-Type", OCTET);
        assertEquals(201, done.statusCode(), () -> text(done));
        assertPullable(repo, digest, content);

        byte[] single = random(300_000, 3);
        HttpResponse<byte[]> posted = send(b, "POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest(single),
                single, "Content-Type", OCTET);
        assertEquals(201, posted.statusCode(), () -> text(posted));
        assertPullable(repo, digest(single), single);
    }

    @Test
    void aBlobMountedOnOneInstanceIsInTheOtherRepositoryOnBoth() {
        byte[] content = random(MIB, 4);
        String digest = pushBlob(a, "scale/mount-source", content);
        HttpResponse<byte[]> mounted = send(b, "POST",
                "/v2/scale/mount-target/blobs/uploads/?mount=" + digest + "&from=scale/mount-source", null);
        assertEquals(201, mounted.statusCode(), () -> text(mounted));
        assertPullable("scale/mount-target", digest, content);
    }

    @Test
    void manifestsTagsAndReferrersWrittenOnOneInstanceAreSeenOnTheOtherAtOnce() {
        String repo = "scale/manifests";
        byte[] layer = random(2 * MIB, 5);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String layerDigest = pushBlob(a, repo, layer);
        String configDigest = pushBlob(b, repo, config);
        byte[] first = manifest(configDigest, config.length, layerDigest, layer.length, "first", null);
        String firstDigest = digest(first);

        assertEquals(201, send(a, "PUT", "/v2/" + repo + "/manifests/latest", first, "Content-Type", OCI_MANIFEST)
                .statusCode());
        HttpResponse<byte[]> onB = send(b, "GET", "/v2/" + repo + "/manifests/latest", null, "Accept", OCI_MANIFEST);
        assertEquals(200, onB.statusCode());
        assertArrayEquals(first, onB.body());
        assertEquals(firstDigest, onB.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertTrue(text(send(b, "GET", "/v2/" + repo + "/tags/list", null)).contains("\"latest\""));

        // Re-tag on B: A answers with the new manifest straight away.
        byte[] second = manifest(configDigest, config.length, layerDigest, layer.length, "second", null);
        String secondDigest = digest(second);
        assertEquals(201, send(b, "PUT", "/v2/" + repo + "/manifests/latest", second, "Content-Type", OCI_MANIFEST)
                .statusCode());
        assertEquals(secondDigest, send(a, "HEAD", "/v2/" + repo + "/manifests/latest", null, "Accept", OCI_MANIFEST)
                .headers().firstValue("Docker-Content-Digest").orElseThrow());

        // A referrer pushed on A is listed by B.
        byte[] signature = manifest(configDigest, config.length, layerDigest, layer.length, "signature",
                new String[] {firstDigest, String.valueOf(first.length)});
        assertEquals(201, send(a, "PUT", "/v2/" + repo + "/manifests/" + digest(signature), signature,
                "Content-Type", OCI_MANIFEST).statusCode());
        assertTrue(text(send(b, "GET", "/v2/" + repo + "/referrers/" + firstDigest, null))
                .contains(digest(signature)));

        // Deleted on A: gone on B at once, tag included.
        assertEquals(202, send(a, "DELETE", "/v2/" + repo + "/manifests/" + secondDigest, null).statusCode());
        assertEquals(404, send(b, "GET", "/v2/" + repo + "/manifests/" + secondDigest, null, "Accept", OCI_MANIFEST)
                .statusCode());
        assertEquals(404, send(b, "GET", "/v2/" + repo + "/manifests/latest", null, "Accept", OCI_MANIFEST)
                .statusCode());
        assertEquals(200, send(b, "GET", "/v2/" + repo + "/manifests/" + firstDigest, null, "Accept", OCI_MANIFEST)
                .statusCode());
    }

    @Test
    void uploadStateSignedWithAnotherSecretIsAClearClientError() {
        String upload = startUpload(a, "scale/secret");
        HttpResponse<byte[]> refused = send(other, "PATCH", upload, random(1000, 6), "Content-Type", OCTET,
                "Content-Range", "0-999");
        assertTrue(refused.statusCode() >= 400 && refused.statusCode() < 500, () -> refused.statusCode() + " "
                + text(refused));
        assertTrue(text(refused).contains("BLOB_UPLOAD_INVALID"), () -> text(refused));
        // The instances sharing the secret carry on.
        HttpResponse<byte[]> accepted = send(b, "PATCH", upload, random(1000, 6), "Content-Type", OCTET,
                "Content-Range", "0-999");
        assertEquals(202, accepted.statusCode(), () -> text(accepted));
    }

    @Test
    void skopeoPushesToOneInstanceAndPullsFromTheOther(@TempDir Path work) throws Exception {
        assumeTrue(OciLayout.skopeoAvailable(), "skopeo is not installed");
        Path source = work.resolve("source");
        OciLayout image = OciLayout.write(source, "v1", 11 * MIB + 5, 7);
        String reference = "scale/skopeo:v1";
        OciLayout.skopeo("copy", "--insecure-policy", "--dest-tls-verify=false", "oci:" + source + ":v1",
                "docker://" + a.base().getAuthority() + "/" + reference);
        Path pulled = work.resolve("pulled");
        OciLayout.skopeo("copy", "--insecure-policy", "--src-tls-verify=false",
                "docker://" + b.base().getAuthority() + "/" + reference, "oci:" + pulled + ":v1");
        assertEquals(image.manifestDigest(), OciLayout.manifestDigest(pulled, "v1"));
        for (String blob : image.blobDigests()) {
            assertArrayEquals(Files.readAllBytes(OciLayout.blobPath(source, blob)),
                    Files.readAllBytes(OciLayout.blobPath(pulled, blob)), blob);
        }
    }

    // ---- helpers ----

    private static String startUpload(RegistryProcess on, String repo) {
        HttpResponse<byte[]> started = send(on, "POST", "/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, started.statusCode(), () -> text(started));
        return location(started);
    }

    private static String pushBlob(RegistryProcess on, String repo, byte[] content) {
        String digest = digest(content);
        String upload = startUpload(on, repo);
        RegistryProcess next = on == a ? b : a;
        HttpResponse<byte[]> done = send(next, "PUT", withQuery(upload, "digest=" + digest), content,
                "Content-Type", OCTET);
        assertEquals(201, done.statusCode(), () -> text(done));
        return digest;
    }

    /**
     * HEAD and GET (redirects followed, ranges too) from both instances, and streamed by the
     * third one, which has redirects disabled.
     */
    private static void assertPullable(String repo, String digest, byte[] content) {
        HttpResponse<byte[]> streamed = send(other, "GET", "/v2/" + repo + "/blobs/" + digest, null);
        assertEquals(200, streamed.statusCode(), "storage.redirect.disable: the registry streams the blob");
        assertArrayEquals(content, streamed.body());
        HttpResponse<byte[]> streamedRange = send(other, "GET", "/v2/" + repo + "/blobs/" + digest, null,
                "Range", "bytes=5-8");
        assertEquals(206, streamedRange.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 5, 9), streamedRange.body());
        for (RegistryProcess from : List.of(a, b)) {
            HttpResponse<byte[]> head = send(from, "HEAD", "/v2/" + repo + "/blobs/" + digest, null);
            assertEquals(200, head.statusCode(), from.name());
            assertEquals(String.valueOf(content.length), head.headers().firstValue("Content-Length").orElseThrow());
            HttpResponse<byte[]> redirect = send(from, "GET", "/v2/" + repo + "/blobs/" + digest, null);
            assertEquals(307, redirect.statusCode(), from.name());
            HttpResponse<byte[]> pulled = Http.pull(from, "/v2/" + repo + "/blobs/" + digest);
            assertEquals(200, pulled.statusCode(), from.name());
            assertArrayEquals(content, pulled.body(), from.name());
            HttpResponse<byte[]> range = Http.pull(from, "/v2/" + repo + "/blobs/" + digest, "Range", "bytes=10-19");
            assertEquals(206, range.statusCode(), from.name());
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

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
