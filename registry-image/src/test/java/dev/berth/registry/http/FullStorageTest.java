package dev.berth.registry.http;

import static dev.berth.registry.http.ErrorAssertions.assertError;
import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.TmpfsMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A registry whose storage folder is on a really full filesystem (a small tmpfs): pushes are
 * answered 507 with the spec's error JSON and leave nothing half-written, pulls still work,
 * {@code /healthz} answers 503 while nothing can be written, and all is well once space is freed.
 */
class FullStorageTest {

    private static final int KiB = 1024;
    private static final int MiB = 1024 * KiB;
    private static final String REPO = "full/disk";
    private static final String OCTETS = "application/octet-stream";

    @Test
    void aFullDiskAnswers507KeepsNothingHalfWrittenAndServesAgainOnceSpaceIsFreed() throws Exception {
        try (TmpfsMount disk = TmpfsMount.mount("size=8m")) {
            Path root = disk.path().resolve("data");
            try (RegistryServer server = RegistryServer.start(RegistryConfig.forFilesystem(root, true))) {
                RegistryClient client = new RegistryClient(server.baseUri());
                PushedImage image = PushedImage.push(client, REPO, "v1");

                // A chunk larger than the whole disk: refused, and the upload keeps its size (0).
                byte[] big = Blobs.random(12 * MiB);
                String location = client.startUpload(REPO);
                RegistryClient.Response patch = client.patch(location, big, "Content-Type", OCTETS);
                assertStorageFull(patch);
                RegistryClient.Response status = client.get(location);
                assertEquals(204, status.status(), status::toString);
                assertEquals("0-0", status.requireHeader("Range"));
                assertEquals(0, uploadBytes(root), "the failed chunk's bytes were cut back");

                // The same as one monolithic PUT: no blob appears.
                String bigDigest = Blobs.sha256(big);
                assertStorageFull(client.put(withQuery(client.startUpload(REPO), "digest=" + bigDigest), big,
                        "Content-Type", OCTETS));
                assertEquals(404, client.head("/v2/" + REPO + "/blobs/" + bigDigest).status());
                assertEquals(List.of(), temporaryFiles(root));

                // Smaller writes still fit, so the registry is still ready.
                assertEquals(200, client.get("/healthz").status());

                // Now the disk fills up with other data.
                Path filler = disk.fillLeaving(256 * KiB);
                RegistryClient.Response health = client.get("/healthz");
                assertEquals(503, health.status(), health::toString);
                assertEquals("unavailable", health.json().path("status").asText());
                assertTrue(health.json().path("detail").asText().contains("storage full"), health::toString);

                // Pulls still work.
                assertArrayEquals(image.manifest(), client.get("/v2/" + REPO + "/manifests/v1").body());
                assertArrayEquals(image.layer(), client.get("/v2/" + REPO + "/blobs/" + image.layerDigest()).body());

                // A manifest larger than the space left (written through a temporary file).
                byte[] config = client.get("/v2/" + REPO + "/blobs/" + image.configDigest()).body();
                byte[] bigManifest = Blobs.imageManifest(Blobs.OCI_MANIFEST, Blobs.OCI_CONFIG, image.configDigest(),
                        config.length, null, "\"annotations\":{\"padding\":\"" + "x".repeat(600 * KiB) + "\"}",
                        image.layerDigest(), String.valueOf(image.layer().length));
                assertStorageFull(client.putManifest(REPO, "big", Blobs.OCI_MANIFEST, bigManifest));
                assertEquals(404, client.head("/v2/" + REPO + "/manifests/big").status());
                assertEquals(List.of(), temporaryFiles(root), "a failed write removes its temporary file");
                byte[] blob = Blobs.random(600 * KiB);
                assertStorageFull(client.put(withQuery(client.startUpload(REPO), "digest=" + Blobs.sha256(blob)),
                        blob, "Content-Type", OCTETS));

                // Space freed: ready again, and the interrupted upload goes on from where it stood.
                Files.delete(filler);
                assertEquals(200, client.get("/healthz").status());
                assertEquals(Blobs.sha256(blob), client.pushBlob(REPO, blob));
                assertArrayEquals(blob, client.get("/v2/" + REPO + "/blobs/" + Blobs.sha256(blob)).body());
                byte[] part = Arrays.copyOf(big, 3 * MiB);
                RegistryClient.Response resumed = client.patch(location, part, "Content-Type", OCTETS,
                        "Content-Range", "0-" + (part.length - 1));
                assertEquals(202, resumed.status(), resumed::toString);
                RegistryClient.Response done = client.put(withQuery(resumed.requireHeader("Location"),
                        "digest=" + Blobs.sha256(part)), new byte[0]);
                assertEquals(201, done.status(), done::toString);
                assertArrayEquals(part, client.get("/v2/" + REPO + "/blobs/" + Blobs.sha256(part)).body());
                assertEquals(201, client.putManifest(REPO, "v2", Blobs.OCI_MANIFEST, image.manifest()).status());
            }
        }
    }

    @Test
    void aFullInodeTableMakesTheRegistryUnreadyUntilAWriteWorksAgain() throws Exception {
        // Plenty of bytes, few inodes: the free space alone cannot tell this disk is full.
        try (TmpfsMount disk = TmpfsMount.mount("size=16m,nr_inodes=48")) {
            Path root = disk.path().resolve("data");
            try (RegistryServer server = RegistryServer.start(RegistryConfig.forFilesystem(root, true))) {
                RegistryClient client = new RegistryClient(server.baseUri());
                String pushed = client.pushBlob(REPO, Blobs.random(4 * KiB));
                List<Path> fillers = takeAllInodes(disk.path());

                assertStorageFull(client.post("/v2/" + REPO + "/blobs/uploads/", null));
                RegistryClient.Response health = client.get("/healthz");
                assertEquals(503, health.status(), health::toString);
                assertTrue(health.json().path("detail").asText().contains("a write failed"), health::toString);
                assertEquals(200, client.head("/v2/" + REPO + "/blobs/" + pushed).status(), "pulls still work");

                for (Path filler : fillers) {
                    Files.delete(filler);
                }
                // The health check probes with a small write at most every 2 s.
                long deadline = System.nanoTime() + 10_000_000_000L;
                int healthStatus;
                while ((healthStatus = client.get("/healthz").status()) != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(200, healthStatus);
                byte[] blob = Blobs.random(8 * KiB);
                assertEquals(Blobs.sha256(blob), client.pushBlob(REPO, blob));
            }
        }
    }

    private static void assertStorageFull(RegistryClient.Response response) {
        JsonNode error = assertError(response, 507, "UNAVAILABLE");
        assertEquals("the registry's storage is full", error.path("message").asText());
        assertTrue(error.path("detail").asText().contains("no space left"), response::toString);
    }

    /** Empty files until the filesystem refuses another. */
    private static List<Path> takeAllInodes(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Path file = dir.resolve("inode-" + i);
            try {
                Files.createFile(file);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("No space left on device"), e::toString);
                return files;
            }
            files.add(file);
        }
        throw new AssertionError("the inode table never filled up");
    }

    /** Bytes of all upload data files. */
    private static long uploadBytes(Path root) throws IOException {
        Path uploads = root.resolve("uploads");
        long total = 0;
        try (Stream<Path> files = Files.walk(uploads)) {
            for (Path file : files.filter(p -> p.getFileName().toString().equals("data")).toList()) {
                total += Files.size(file);
            }
        }
        return total;
    }

    private static List<String> temporaryFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".tmp-")).map(Path::toString).toList();
        }
    }
}
