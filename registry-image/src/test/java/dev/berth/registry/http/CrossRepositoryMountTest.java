package dev.berth.registry.http;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CrossRepositoryMountTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    private RegistryClient.Response mount(String to, String digest, String from) {
        return client.post("/v2/" + to + "/blobs/uploads/?mount=" + digest + "&from=" + from, null);
    }

    @Test
    void mountFromARepositoryThatHasTheBlobIs201() {
        String from = RunningRegistry.newRepository("mount-src");
        String to = RunningRegistry.newRepository("mount-dst");
        byte[] content = Blobs.random(2000);
        String digest = client.pushBlob(from, content);
        RegistryClient.Response r = mount(to, digest, from);
        assertEquals(201, r.status(), r::toString);
        assertEquals("/v2/" + to + "/blobs/" + digest, client.resolve(r.requireHeader("Location")).getPath());
        assertEquals(digest, r.requireHeader("Docker-Content-Digest"));
        assertArrayEquals(content, client.get("/v2/" + to + "/blobs/" + digest).body());
    }

    @Test
    void mountFromARepositoryWithoutTheBlobFallsBackToAnUpload() {
        String from = RunningRegistry.newRepository("mount-src");
        String to = RunningRegistry.newRepository("mount-dst");
        byte[] content = Blobs.random(2000);
        String digest = client.pushBlob(to + "-elsewhere", content); // exists, but not in `from`
        client.pushBlob(from, Blobs.random(10));
        RegistryClient.Response r = mount(to, digest, from);
        assertEquals(202, r.status(), r::toString);
        String location = r.requireHeader("Location");
        assertTrue(location.contains("/v2/" + to + "/blobs/uploads/"), location);
        assertEquals(404, client.head("/v2/" + to + "/blobs/" + digest).status());
        // the fallback upload works
        RegistryClient.Response put = client.put(withQuery(location, "digest=" + digest), content);
        assertEquals(201, put.status(), put::toString);
        assertArrayEquals(content, client.get("/v2/" + to + "/blobs/" + digest).body());
    }

    @Test
    void mountFromAnUnknownRepositoryFallsBack() {
        String to = RunningRegistry.newRepository("mount-dst");
        assertEquals(202, mount(to, Blobs.unknownDigest(), "no/such/repository").status());
    }

    @Test
    void mountWithInvalidArgumentsFallsBackLikeRegistry2() {
        String to = RunningRegistry.newRepository("mount-dst");
        RegistryClient.Response badDigest = mount(to, "sha256:zz", "somewhere");
        assertEquals(202, badDigest.status(), badDigest::toString);
        RegistryClient.Response badName = mount(to, Blobs.unknownDigest(), "Bad..Name");
        assertEquals(202, badName.status(), badName::toString);
        RegistryClient.Response noFrom = client.post("/v2/" + to + "/blobs/uploads/?mount=" + Blobs.unknownDigest(),
                null);
        assertEquals(202, noFrom.status(), noFrom::toString);
    }

    @Test
    void mountedBlobStaysWhenTheSourceDeletesIt() {
        String from = RunningRegistry.newRepository("mount-src");
        String to = RunningRegistry.newRepository("mount-dst");
        byte[] content = Blobs.random(500);
        String digest = client.pushBlob(from, content);
        assertEquals(201, mount(to, digest, from).status());
        assertEquals(202, client.delete("/v2/" + from + "/blobs/" + digest).status());
        assertEquals(404, client.head("/v2/" + from + "/blobs/" + digest).status());
        assertArrayEquals(content, client.get("/v2/" + to + "/blobs/" + digest).body());
    }
}
