package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PATCH chunks with Content-Range: in order, out of order, overlapping, malformed. */
class ChunkedUploadTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    private RegistryClient.Response chunk(String location, byte[] content, int from, int to) {
        return client.patch(location, Arrays.copyOfRange(content, from, to),
                "Content-Type", "application/octet-stream",
                "Content-Range", from + "-" + (to - 1));
    }

    private String status(String location) {
        RegistryClient.Response r = client.get(location);
        assertEquals(204, r.status(), r::toString);
        RegistryClient.Response head = client.head(location);
        assertEquals(204, head.status(), head::toString);
        assertEquals(r.requireHeader("Range"), head.requireHeader("Range"), "HEAD answers as GET does");
        assertEquals(r.requireHeader("Docker-Upload-UUID"), head.requireHeader("Docker-Upload-UUID"));
        return r.requireHeader("Range");
    }

    @Test
    void chunksInOrderThenEmptyPut() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(250_000);
        String digest = Blobs.sha256(content);
        String location = client.startUpload(repo);
        int[] cuts = {0, 100_000, 200_000, 250_000};
        for (int i = 0; i + 1 < cuts.length; i++) {
            RegistryClient.Response r = chunk(location, content, cuts[i], cuts[i + 1]);
            assertEquals(202, r.status(), r::toString);
            assertEquals("0-" + (cuts[i + 1] - 1), r.requireHeader("Range"));
            location = r.requireHeader("Location");
        }
        assertEquals("0-249999", status(location));
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + digest), new byte[0]);
        assertEquals(201, put.status(), put::toString);
        assertEquals(digest, put.requireHeader("Docker-Content-Digest"));
        assertArrayEquals(content, client.get("/v2/" + repo + "/blobs/" + digest).body());
    }

    @Test
    void lastChunkInTheClosingPut() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(3000);
        String digest = Blobs.sha256(content);
        String location = client.startUpload(repo);
        RegistryClient.Response first = chunk(location, content, 0, 1000);
        assertEquals(202, first.status(), first::toString);
        RegistryClient.Response put = client.put(withQuery(first.requireHeader("Location"), "digest=" + digest),
                Arrays.copyOfRange(content, 1000, 3000),
                "Content-Type", "application/octet-stream", "Content-Range", "1000-2999");
        assertEquals(201, put.status(), put::toString);
        assertArrayEquals(content, client.get("/v2/" + repo + "/blobs/" + digest).body());
    }

    @Test
    void chunkThatSkipsAheadIs416WithTheCurrentRange() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(3000);
        String location = client.startUpload(repo);
        assertEquals(202, chunk(location, content, 0, 1000).status());
        RegistryClient.Response gap = chunk(location, content, 2000, 3000);
        assertError(gap, 416, "RANGE_INVALID");
        assertEquals("0-999", gap.requireHeader("Range"));
        assertTrue(gap.requireHeader("Location").contains("/blobs/uploads/"));
        assertEquals("0-999", status(location));
        // the client resumes from the range it was told
        assertEquals(202, chunk(location, content, 1000, 2000).status());
        assertEquals(202, chunk(location, content, 2000, 3000).status());
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + Blobs.sha256(content)), new byte[0]);
        assertEquals(201, put.status(), put::toString);
        assertArrayEquals(content, client.get("/v2/" + repo + "/blobs/" + Blobs.sha256(content)).body());
    }

    @Test
    void overlappingChunkIs416AndChangesNothing() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(3000);
        String location = client.startUpload(repo);
        assertEquals(202, chunk(location, content, 0, 1000).status());
        RegistryClient.Response overlap = chunk(location, content, 500, 1500);
        assertError(overlap, 416, "RANGE_INVALID");
        assertEquals("0-999", overlap.requireHeader("Range"));
        RegistryClient.Response repeat = chunk(location, content, 0, 1000);
        assertError(repeat, 416, "RANGE_INVALID");
        assertEquals("0-999", status(location));
        assertEquals(202, chunk(location, content, 1000, 3000).status());
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + Blobs.sha256(content)), new byte[0]);
        assertEquals(201, put.status(), put::toString);
    }

    @Test
    void firstChunkMustStartAtZero() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(100);
        String location = client.startUpload(repo);
        RegistryClient.Response r = chunk(location, content, 10, 100);
        assertError(r, 416, "RANGE_INVALID");
        assertEquals("0-0", r.requireHeader("Range"));
    }

    @Test
    void contentRangeThatDisagreesWithTheBodyIsRefused() {
        String repo = RunningRegistry.newRepository("chunked");
        String location = client.startUpload(repo);
        RegistryClient.Response r = client.patch(location, Blobs.random(100), "Content-Range", "0-49");
        assertError(r, 400, "SIZE_INVALID");
        assertEquals("0-0", r.requireHeader("Range"));
        assertEquals("0-0", status(location));
    }

    @Test
    void aChunkedBodyThatDisagreesWithItsContentRangeStoresNothing() {
        String repo = RunningRegistry.newRepository("chunked");
        String location = client.startUpload(repo);
        byte[] first = Blobs.random(100);
        // Transfer-Encoding: chunked, so the length shows only at the end of the body.
        assertError(client.sendStreamed("PATCH", location, Arrays.copyOf(first, 60), "Content-Range", "0-99"), 400,
                "SIZE_INVALID");
        assertEquals("0-0", status(location));
        assertError(client.sendStreamed("PATCH", location, Blobs.random(150), "Content-Range", "0-99"), 400,
                "SIZE_INVALID");
        assertEquals("0-0", status(location));

        RegistryClient.Response ok = client.sendStreamed("PATCH", location, first, "Content-Range", "0-99");
        assertEquals(202, ok.status(), ok::toString);
        assertEquals("0-99", ok.requireHeader("Range"));
        RegistryClient.Response done = client.put(withQuery(ok.requireHeader("Location"),
                "digest=" + Blobs.sha256(first)), new byte[0]);
        assertEquals(201, done.status(), done::toString);
    }

    @Test
    void malformedContentRangeIsAClientError() {
        String repo = RunningRegistry.newRepository("chunked");
        String location = client.startUpload(repo);
        for (String range : new String[] {"abc", "5-2", "-5", "1-", "bytes=0-9", "0-99999999999999999999999", "0-9223372036854775807"}) {
            RegistryClient.Response r = client.patch(location, Blobs.random(10), "Content-Range", range);
            ErrorAssertions.assertClientError(r, "Content-Range '" + range + "'");
            assertError(r, 400, "BLOB_UPLOAD_INVALID");
        }
        assertEquals("0-0", status(location));
    }

    @Test
    void finalPutWithAContentRangeThatDoesNotFollowIs416() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(2000);
        String location = client.startUpload(repo);
        assertEquals(202, chunk(location, content, 0, 1000).status());
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + Blobs.sha256(content)),
                Arrays.copyOfRange(content, 1000, 2000), "Content-Range", "1500-2499");
        assertError(put, 416, "RANGE_INVALID");
        assertEquals("0-999", put.requireHeader("Range"));
        assertEquals(404, client.head("/v2/" + repo + "/blobs/" + Blobs.sha256(content)).status());
    }

    @Test
    void chunksWithoutContentRangeAppend() {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(5000);
        String location = client.startUpload(repo);
        for (int from = 0; from < 5000; from += 1000) {
            RegistryClient.Response r = client.patch(location, Arrays.copyOfRange(content, from, from + 1000));
            assertEquals(202, r.status(), r::toString);
            assertEquals("0-" + (from + 999), r.requireHeader("Range"));
        }
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + Blobs.sha256(content)), new byte[0]);
        assertEquals(201, put.status(), put::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha384", "sha512"})
    void chunkedUploadWithAnotherDigestAlgorithm(String algorithm) {
        String repo = RunningRegistry.newRepository("chunked");
        byte[] content = Blobs.random(10_000);
        String digest = Blobs.digest(algorithm, content);
        String location = client.startUpload(repo);
        assertEquals(202, chunk(location, content, 0, 6000).status());
        assertEquals(202, chunk(location, content, 6000, 10_000).status());
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + digest), new byte[0]);
        assertEquals(201, put.status(), put::toString);
        assertEquals(digest, put.requireHeader("Docker-Content-Digest"));
        RegistryClient.Response get = client.get("/v2/" + repo + "/blobs/" + digest);
        assertArrayEquals(content, get.body());
        assertEquals(digest, get.requireHeader("Docker-Content-Digest"));
    }
}
