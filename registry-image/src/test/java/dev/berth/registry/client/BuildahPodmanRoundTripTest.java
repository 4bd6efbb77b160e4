package dev.berth.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.http.RunningRegistry;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * buildah builds an image from scratch and pushes it (OCI and Docker formats), podman pulls it
 * back and pushes it on: each with its own storage under a temporary folder (vfs driver).
 */
class BuildahPodmanRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TIMEOUT = 180;

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    static Path work;
    static Path content;

    @BeforeAll
    static void needsTheTools() throws Exception {
        Requirement.requireTools("buildah", "podman");
        // short: podman refuses a runroot longer than 50 characters
        work = Files.createTempDirectory(Path.of("/tmp"), "bc");
        content = work.resolve("payload.bin");
        Files.write(content, Blobs.random(512 * 1024));
        for (String dir : List.of("b-root", "b-run", "p-root", "p-run", "tmp")) {
            Files.createDirectories(work.resolve(dir));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        RunningRegistry.deleteTree(work);
    }

    private static String host() {
        return "127.0.0.1:" + registry.server().port();
    }

    private static String buildah(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("buildah", "--root", work.resolve("b-root").toString(),
                "--runroot", work.resolve("b-run").toString(), "--storage-driver", "vfs"));
        command.addAll(List.of(args));
        return Command.ok(command, TIMEOUT);
    }

    private static String podman(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman", "--root", work.resolve("p-root").toString(),
                "--runroot", work.resolve("p-run").toString(), "--storage-driver", "vfs",
                "--tmpdir", work.resolve("tmp").toString()));
        command.addAll(List.of(args));
        return Command.ok(command, TIMEOUT);
    }

    /** Builds localhost/berth-test:{@code tag} from scratch with the random payload. */
    private static void build(String tag) throws Exception {
        String container = buildah("from", "scratch").strip();
        container = container.lines().reduce((a, b) -> b).orElseThrow().strip();
        buildah("copy", container, content.toString(), "/payload.bin");
        buildah("config", "--cmd", "[\"/payload.bin\"]", "--arch", "amd64", "--os", "linux", "--label",
                "berth.test=" + tag, container);
        buildah("commit", "-q", container, "localhost/berth-test:" + tag);
        buildah("rm", container);
    }

    private static void assertPulledByPodman(String repository, String tag, String mediaType) throws Exception {
        RegistryClient.Response head = registry.client().head("/v2/" + repository + "/manifests/" + tag);
        assertEquals(200, head.status(), head::toString);
        assertEquals(mediaType, head.requireHeader("Content-Type"));
        String digest = head.requireHeader("Docker-Content-Digest");

        String reference = host() + "/" + repository + ":" + tag;
        podman("pull", "--tls-verify=false", reference);
        JsonNode inspect = JSON.readTree(podman("image", "inspect", reference)).get(0);
        assertEquals(digest, inspect.path("Digest").asText(), inspect::toString);
        assertEquals("amd64", inspect.path("Architecture").asText());
        assertEquals(tag, inspect.path("Labels").path("berth.test").asText(), inspect::toString);
        // and by digest
        podman("pull", "--tls-verify=false", host() + "/" + repository + "@" + digest);
    }

    @Test
    void buildahPushesOciAndPodmanPulls() throws Exception {
        build("oci");
        buildah("push", "--tls-verify=false", "localhost/berth-test:oci",
                "docker://" + host() + "/buildah/oci:oci");
        assertPulledByPodman("buildah/oci", "oci", Blobs.OCI_MANIFEST);
    }

    @Test
    void buildahPushesDockerFormatAndPodmanPulls() throws Exception {
        build("docker");
        buildah("push", "--tls-verify=false", "--format", "v2s2", "localhost/berth-test:docker",
                "docker://" + host() + "/buildah/docker:docker");
        assertPulledByPodman("buildah/docker", "docker", Blobs.DOCKER_MANIFEST);
    }

    @Test
    void podmanPushesWhatItPulled() throws Exception {
        build("relay");
        buildah("push", "--tls-verify=false", "localhost/berth-test:relay",
                "docker://" + host() + "/buildah/relay:relay");
        String source = host() + "/buildah/relay:relay";
        podman("pull", "--tls-verify=false", source);
        podman("push", "--tls-verify=false", source, "docker://" + host() + "/podman/relay:relay");
        RegistryClient.Response tags = registry.client().get("/v2/podman/relay/tags/list");
        assertEquals(200, tags.status(), tags::toString);
        assertTrue(tags.text().contains("\"relay\""), tags::toString);
        assertPulledByPodman("podman/relay", "relay", Blobs.OCI_MANIFEST);
    }
}
