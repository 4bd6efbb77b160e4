package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BlobPullTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    static final String REPO = RunningRegistry.newRepository("blob-pull");
    static final byte[] CONTENT = Blobs.random(10_000);
    static String digest;

    @BeforeAll
    static void push() {
        digest = registry.client().pushBlob(REPO, CONTENT);
    }

    private static String path() {
        return "/v2/" + REPO + "/blobs/" + digest;
    }

    @Test
    void getAnswersTheBytesWithDigestLengthAndType() {
        RegistryClient.Response r = registry.client().get(path());
        assertEquals(200, r.status(), r::toString);
        assertArrayEquals(CONTENT, r.body());
        assertEquals(digest, r.requireHeader("Docker-Content-Digest"));
        assertEquals(String.valueOf(CONTENT.length), r.requireHeader("Content-Length"));
        assertEquals("application/octet-stream", r.requireHeader("Content-Type"));
    }

    @Test
    void headAnswersTheHeadersWithoutBody() {
        RegistryClient.Response r = registry.client().head(path());
        assertEquals(200, r.status(), r::toString);
        assertEquals(0, r.body().length);
        assertEquals(digest, r.requireHeader("Docker-Content-Digest"));
        assertEquals(String.valueOf(CONTENT.length), r.requireHeader("Content-Length"));
        assertEquals("application/octet-stream", r.requireHeader("Content-Type"));
    }

    @Test
    void rangeRequestAnswers206WithThePart() {
        RegistryClient.Response r = registry.client().get(path(), "Range", "bytes=100-199");
        assertEquals(206, r.status(), r::toString);
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 100, 200), r.body());
        assertEquals("bytes 100-199/" + CONTENT.length, r.requireHeader("Content-Range"));
        assertEquals("100", r.requireHeader("Content-Length"));
        assertEquals(digest, r.requireHeader("Docker-Content-Digest"));
    }

    @Test
    void openEndedAndSuffixRanges() {
        RegistryClient.Response open = registry.client().get(path(), "Range", "bytes=9990-");
        assertEquals(206, open.status(), open::toString);
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 9990, 10_000), open.body());
        assertEquals("bytes 9990-9999/10000", open.requireHeader("Content-Range"));

        RegistryClient.Response suffix = registry.client().get(path(), "Range", "bytes=-5");
        assertEquals(206, suffix.status(), suffix::toString);
        assertArrayEquals(Arrays.copyOfRange(CONTENT, 9995, 10_000), suffix.body());

        RegistryClient.Response beyond = registry.client().get(path(), "Range", "bytes=9000-20000");
        assertEquals(206, beyond.status(), beyond::toString);
        assertEquals("bytes 9000-9999/10000", beyond.requireHeader("Content-Range"));
        assertEquals(1000, beyond.body().length);
    }

    @Test
    void rangeOutsideTheBlobIs416() {
        RegistryClient.Response r = registry.client().get(path(), "Range", "bytes=10000-10010");
        assertEquals(416, r.status(), r::toString);
        assertEquals("bytes */10000", r.requireHeader("Content-Range"));
        assertEquals(416, registry.client().get(path(), "Range", "bytes=500-100").status());
        assertEquals(416, registry.client().get(path(), "Range", "bytes=-0").status());
    }

    @Test
    void unknownBlobIs404BlobUnknown() {
        assertError(registry.client().get("/v2/" + REPO + "/blobs/" + Blobs.unknownDigest()), 404, "BLOB_UNKNOWN");
        RegistryClient.Response head = registry.client().head("/v2/" + REPO + "/blobs/" + Blobs.unknownDigest());
        assertEquals(404, head.status());
        assertEquals(0, head.body().length);
    }

    @Test
    void blobOfAnotherRepositoryIsNotVisible() {
        String other = RunningRegistry.newRepository("blob-pull-other");
        registry.client().pushBlob(other, Blobs.random(10));
        assertError(registry.client().get("/v2/" + other + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        assertError(registry.client().get("/v2/never-pushed/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }
}
