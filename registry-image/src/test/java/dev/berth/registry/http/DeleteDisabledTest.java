package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code storage.delete.enabled: false} every delete is 405 UNSUPPORTED and nothing goes away. */
class DeleteDisabledTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withoutDelete();

    @Test
    void everyDeleteIs405Unsupported() {
        RegistryClient client = registry.client();
        String repo = RunningRegistry.newRepository("no-delete");
        PushedImage image = PushedImage.push(client, repo, "v1");
        assertError(client.delete("/v2/" + repo + "/manifests/" + image.digest()), 405, "UNSUPPORTED");
        assertError(client.delete("/v2/" + repo + "/manifests/v1"), 405, "UNSUPPORTED");
        assertError(client.delete("/v2/" + repo + "/blobs/" + image.layerDigest()), 405, "UNSUPPORTED");
        assertError(client.delete("/v2/" + repo + "/manifests/" + Blobs.unknownDigest()), 405, "UNSUPPORTED");
        assertEquals(200, client.get("/v2/" + repo + "/manifests/v1").status());
        assertEquals(200, client.get("/v2/" + repo + "/manifests/" + image.digest()).status());
        assertEquals(200, client.get("/v2/" + repo + "/blobs/" + image.layerDigest()).status());
    }

    @Test
    void cancellingAnUploadStillWorks() {
        RegistryClient client = registry.client();
        String location = client.startUpload(RunningRegistry.newRepository("no-delete"));
        assertEquals(204, client.delete(location).status());
    }
}
