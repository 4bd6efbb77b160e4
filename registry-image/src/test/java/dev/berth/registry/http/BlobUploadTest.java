package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Monolithic (POST+PUT, single POST) and streamed (POST, PATCH, PUT) blob uploads, status and cancel. */
class BlobUploadTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    private void assertBlob(String repo, String digest, byte[] content) {
        RegistryClient.Response r = client.get("/v2/" + repo + "/blobs/" + digest);
        assertEquals(200, r.status(), r::toString);
        assertArrayEquals(content, r.body());
    }

    /** 201 naming the blob, which now reads back as {@code content}. */
    private void assertCreated(RegistryClient.Response r, String repo, String digest, byte[] content) {
        assertEquals(201, r.status(), r::toString);
        assertEquals("/v2/" + repo + "/blobs/" + digest, client.resolve(r.requireHeader("Location")).getPath());
        assertEquals(digest, r.requireHeader("Docker-Content-Digest"));
        assertBlob(repo, digest, content);
    }

    private void assertNoBlob(String repo, String digest) {
        assertEquals(404, client.head("/v2/" + repo + "/blobs/" + digest).status(), digest + " is visible");
    }

    @Test
    void postStartsAnUploadWithLocationRangeAndChunkMinimum() {
        String repo = RunningRegistry.newRepository("upload");
        RegistryClient.Response r = client.post("/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, r.status(), r::toString);
        String location = r.requireHeader("Location");
        assertTrue(location.contains("/v2/" + repo + "/blobs/uploads/"), location);
        assertEquals("0-0", r.requireHeader("Range"));
        assertFalse(r.requireHeader("Docker-Upload-UUID").isBlank());
        long minimum = Long.parseLong(r.requireHeader("OCI-Chunk-Min-Length"));
        assertTrue(minimum >= 0);
        assertEquals("0", r.requireHeader("Content-Length"));
    }

    @Test
    void postWithoutTheTrailingSlashStartsAnUploadToo() {
        String repo = RunningRegistry.newRepository("upload");
        RegistryClient.Response r = client.post("/v2/" + repo + "/blobs/uploads", null);
        assertEquals(202, r.status(), r::toString);
        byte[] content = Blobs.random(300);
        String digest = Blobs.sha256(content);
        assertCreated(client.put(withQuery(r.requireHeader("Location"), "digest=" + digest), content), repo, digest,
                content);
    }

    @Test
    void monolithicPostThenPut() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(5000);
        String digest = Blobs.sha256(content);
        String location = client.startUpload(repo);
        RegistryClient.Response r = client.put(withQuery(location, "digest=" + digest), content,
                "Content-Type", "application/octet-stream");
        assertCreated(r, repo, digest, content);
    }

    @Test
    void monolithicSinglePostWithDigest() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(3000);
        String digest = Blobs.sha256(content);
        RegistryClient.Response r = client.post("/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                "Content-Type", "application/octet-stream");
        assertCreated(r, repo, digest, content);
    }

    @Test
    void singlePostWithWrongDigestStoresNothing() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(3000);
        String claimed = Blobs.unknownDigest();
        RegistryClient.Response r = client.post("/v2/" + repo + "/blobs/uploads/?digest=" + claimed, content,
                "Content-Type", "application/octet-stream");
        assertError(r, 400, "DIGEST_INVALID");
        assertNoBlob(repo, claimed);
        assertNoBlob(repo, Blobs.sha256(content));
    }

    @Test
    void emptyBlob() {
        String repo = RunningRegistry.newRepository("upload");
        String digest = client.pushBlob(repo, new byte[0]);
        RegistryClient.Response r = client.get("/v2/" + repo + "/blobs/" + digest);
        assertEquals(200, r.status(), r::toString);
        assertEquals("0", r.requireHeader("Content-Length"));
        assertEquals(0, r.body().length);
    }

    @Test
    void streamedPostPatchPut() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(300_000);
        String digest = Blobs.sha256(content);
        String location = client.startUpload(repo);
        RegistryClient.Response patch = client.sendStreamed("PATCH", location, content,
                "Content-Type", "application/octet-stream");
        assertEquals(202, patch.status(), patch::toString);
        assertEquals("0-" + (content.length - 1), patch.requireHeader("Range"));
        String next = patch.requireHeader("Location");
        RegistryClient.Response put = client.put(withQuery(next, "digest=" + digest), new byte[0]);
        assertEquals(201, put.status(), put::toString);
        assertEquals(digest, put.requireHeader("Docker-Content-Digest"));
        assertBlob(repo, digest, content);
    }

    @Test
    void streamedPutWithChunkedBody() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(70_000);
        String digest = Blobs.sha256(content);
        String location = client.startUpload(repo);
        RegistryClient.Response put = client.sendStreamed("PUT", withQuery(location, "digest=" + digest), content,
                "Content-Type", "application/octet-stream");
        assertEquals(201, put.status(), put::toString);
        assertBlob(repo, digest, content);
    }

    @Test
    void statusAnswers204WithTheRange() {
        String repo = RunningRegistry.newRepository("upload");
        String location = client.startUpload(repo);
        RegistryClient.Response empty = client.get(location);
        assertEquals(204, empty.status(), empty::toString);
        assertEquals("0-0", empty.requireHeader("Range"));
        assertTrue(empty.requireHeader("Location").contains("/blobs/uploads/"));

        RegistryClient.Response patch = client.patch(location, Blobs.random(1234),
                "Content-Type", "application/octet-stream");
        assertEquals(202, patch.status(), patch::toString);
        RegistryClient.Response status = client.get(patch.requireHeader("Location"));
        assertEquals(204, status.status(), status::toString);
        assertEquals("0-1233", status.requireHeader("Range"));
        assertEquals(patch.requireHeader("Docker-Upload-UUID"), status.requireHeader("Docker-Upload-UUID"));
    }

    @Test
    void cancelRemovesTheUpload() {
        String repo = RunningRegistry.newRepository("upload");
        String location = client.startUpload(repo);
        byte[] chunk = Blobs.random(100);
        assertEquals(202, client.patch(location, chunk).status());
        RegistryClient.Response cancel = client.delete(location);
        assertEquals(204, cancel.status(), cancel::toString);
        assertError(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client.patch(location, chunk), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client.put(withQuery(location, "digest=" + Blobs.sha256(chunk)), new byte[0]), 404,
                "BLOB_UPLOAD_UNKNOWN");
        assertError(client.delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertNoBlob(repo, Blobs.sha256(chunk));
    }

    @Test
    void finalPutWithWrongDigestStoresNothing() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(4000);
        String claimed = Blobs.unknownDigest();
        String location = client.startUpload(repo);
        RegistryClient.Response patch = client.patch(location, content);
        assertEquals(202, patch.status(), patch::toString);
        RegistryClient.Response put = client.put(withQuery(patch.requireHeader("Location"), "digest=" + claimed),
                new byte[0]);
        assertError(put, 400, "DIGEST_INVALID");
        assertNoBlob(repo, claimed);
        assertNoBlob(repo, Blobs.sha256(content));
    }

    @Test
    void monolithicPutWithWrongDigestStoresNothing() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(4000);
        byte[] other = Blobs.random(4000);
        String claimed = Blobs.sha256(other);
        String location = client.startUpload(repo);
        assertError(client.put(withQuery(location, "digest=" + claimed), content), 400, "DIGEST_INVALID");
        assertNoBlob(repo, claimed);
        assertNoBlob(repo, Blobs.sha256(content));
        // the right content under that digest is still accepted afterwards
        client.pushBlob(repo, other);
        assertBlob(repo, claimed, other);
    }

    @Test
    void finalPutWithoutDigestIsRefusedAndTheUploadContinues() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(100);
        String location = client.startUpload(repo);
        assertError(client.put(location, content), 400, "DIGEST_INVALID");
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + Blobs.sha256(content)), content);
        assertEquals(201, put.status(), put::toString);
        assertBlob(repo, Blobs.sha256(content), content);
    }

    @Test
    void sameBlobPushedTwiceAndToTwoRepositories() {
        String a = RunningRegistry.newRepository("upload");
        String b = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(1000);
        String digest = client.pushBlob(a, content);
        client.pushBlob(a, content);
        client.pushBlob(b, content);
        assertBlob(a, digest, content);
        assertBlob(b, digest, content);
    }

    @Test
    void uploadsAreNotUsableAfterCompletion() {
        String repo = RunningRegistry.newRepository("upload");
        byte[] content = Blobs.random(100);
        String location = client.startUpload(repo);
        assertEquals(201, client.put(withQuery(location, "digest=" + Blobs.sha256(content)), content).status());
        assertError(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(client.patch(location, content), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    /** sha512 as the OCI image spec registers it; sha384 as registry:2 takes it (go-digest). */
    @ParameterizedTest
    @ValueSource(strings = {"sha384", "sha512"})
    void otherDigestAlgorithmsByEveryPushMethod(String algorithm) {
        String repo = RunningRegistry.newRepository("upload");
        byte[] single = Blobs.random(5000);
        String singleDigest = Blobs.digest(algorithm, single);
        RegistryClient.Response post = client.post("/v2/" + repo + "/blobs/uploads/?digest=" + singleDigest, single);
        assertEquals(201, post.status(), post::toString);
        assertEquals(singleDigest, post.requireHeader("Docker-Content-Digest"));
        assertBlob(repo, singleDigest, single);

        byte[] streamed = Blobs.random(70_000);
        String streamedDigest = Blobs.digest(algorithm, streamed);
        String location = client.startUpload(repo);
        RegistryClient.Response patch = client.sendStreamed("PATCH", location, streamed);
        assertEquals(202, patch.status(), patch::toString);
        RegistryClient.Response put = client.put(withQuery(patch.requireHeader("Location"), "digest="
                + streamedDigest), new byte[0]);
        assertEquals(201, put.status(), put::toString);
        RegistryClient.Response head = client.head("/v2/" + repo + "/blobs/" + streamedDigest);
        assertEquals(streamedDigest, head.requireHeader("Docker-Content-Digest"));
        assertEquals(String.valueOf(streamed.length), head.requireHeader("Content-Length"));

        byte[] monolithic = Blobs.random(3000);
        assertBlob(repo, client.pushBlob(repo, monolithic, Blobs.digest(algorithm, monolithic)), monolithic);
        String other = RunningRegistry.newRepository("upload");
        RegistryClient.Response mount = client.post("/v2/" + other + "/blobs/uploads/?mount=" + singleDigest
                + "&from=" + repo, null);
        assertEquals(201, mount.status(), mount::toString);
        assertBlob(other, singleDigest, single);

        // a digest that does not match stores nothing
        byte[] wrongContent = Blobs.random(100);
        RegistryClient.Response wrong = client.post("/v2/" + repo + "/blobs/uploads/?digest="
                + Blobs.digest(algorithm, wrongContent), single);
        assertError(wrong, 400, "DIGEST_INVALID");
        assertNoBlob(repo, Blobs.digest(algorithm, wrongContent));
    }
}
