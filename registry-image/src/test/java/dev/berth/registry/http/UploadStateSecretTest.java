package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two registries on one storage folder: the same secret continues each other's uploads, another secret cannot. */
class UploadStateSecretTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private static RegistryServer startSecond(String secret) throws Exception {
        RegistryConfig base = RegistryConfig.forFilesystem(registry.root(), true);
        return RegistryServer.start(new RegistryConfig(
                new RegistryConfig.Http("127.0.0.1", 0, secret, false), base.storage(), base.log(), base.htpasswd()));
    }

    @Test
    void stateSignedWithAnotherSecretIsBlobUploadInvalid() throws Exception {
        String repo = RunningRegistry.newRepository("secret");
        String location = registry.client().startUpload(repo);
        byte[] content = Blobs.random(1000);
        try (RegistryServer other = startSecond("another-secret")) {
            RegistryClient client = new RegistryClient(other.baseUri());
            String path = client.resolve(location).toString().replace(registry.server().baseUri().toString(), "");
            assertError(client.get(path), 400, "BLOB_UPLOAD_INVALID");
            assertError(client.patch(path, content), 400, "BLOB_UPLOAD_INVALID");
            assertError(client.put(withQuery(path, "digest=" + Blobs.sha256(content)), content), 400,
                    "BLOB_UPLOAD_INVALID");
            assertError(client.delete(path), 400, "BLOB_UPLOAD_INVALID");
        }
        // untouched on the registry that started it
        RegistryClient.Response status = registry.client().get(location);
        assertEquals(204, status.status(), status::toString);
        assertEquals("0-0", status.requireHeader("Range"));
    }

    @Test
    void sameSecretContinuesAnUploadStartedElsewhere() throws Exception {
        String repo = RunningRegistry.newRepository("secret");
        byte[] content = Blobs.random(3000);
        String location = registry.client().startUpload(repo);
        RegistryClient.Response first = registry.client().patch(location, Arrays.copyOfRange(content, 0, 1000),
                "Content-Range", "0-999");
        assertEquals(202, first.status(), first::toString);
        String path = registry.client().resolve(first.requireHeader("Location")).getRawPath() + "?"
                + registry.client().resolve(first.requireHeader("Location")).getRawQuery();
        try (RegistryServer other = startSecond("test-secret")) {
            RegistryClient client = new RegistryClient(other.baseUri());
            RegistryClient.Response second = client.patch(path, Arrays.copyOfRange(content, 1000, 3000),
                    "Content-Range", "1000-2999");
            assertEquals(202, second.status(), second::toString);
            RegistryClient.Response put = client.put(withQuery(second.requireHeader("Location"),
                    "digest=" + Blobs.sha256(content)), new byte[0]);
            assertEquals(201, put.status(), put::toString);
        }
        assertArrayEquals(content, registry.client().get("/v2/" + repo + "/blobs/" + Blobs.sha256(content)).body());
    }
}
