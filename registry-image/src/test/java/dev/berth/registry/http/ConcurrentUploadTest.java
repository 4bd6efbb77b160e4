package dev.berth.registry.http;

import static dev.berth.registry.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients racing on the same upload, blob or tag: whatever wins, no blob is ever stored under a wrong digest. */
class ConcurrentUploadTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private final RegistryClient client = registry.client();

    /**
     * Hands out {@code content}, pausing once after {@code pauseAt} bytes until the other racer got
     * there too; {@code met} counts the racers that did. A racer refused or stalled before halfway
     * lets the other go on alone after a while: that round was no race, and does not count.
     */
    private static InputStream meetingHalfway(byte[] content, int pauseAt, CyclicBarrier barrier, AtomicInteger met) {
        return new InputStream() {
            private int position;
            private boolean paused;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position == pauseAt && !paused) {
                    paused = true;
                    try {
                        barrier.await(3, TimeUnit.SECONDS);
                        met.incrementAndGet();
                    } catch (Exception e) {
                        // the other racer was refused or stalled: go on alone (the round is no race)
                    }
                }
                if (position >= content.length) {
                    return -1;
                }
                int limit = position < pauseAt ? pauseAt : content.length;
                int n = Math.min(len, limit - position);
                System.arraycopy(content, position, b, off, n);
                position += n;
                return n;
            }
        };
    }

    @Test
    void racingChunksOnOneUploadNeverCorruptTheBlob() throws Exception {
        race(client, client);
    }

    @Test
    void racingChunksThroughTwoRegistriesOnOneStorageNeverCorruptTheBlob() throws Exception {
        RegistryConfig base = RegistryConfig.forFilesystem(registry.root(), true);
        try (RegistryServer second = RegistryServer.start(base)) {
            race(client, new RegistryClient(second.baseUri()));
        }
    }

    /** Rounds in which both chunks were in flight at once; rounds that were no race are retried. */
    private static final int RACES = 3;
    private static final int MAX_ROUNDS = 10;

    /** Two clients PATCH different bytes for the same range of one upload at the same moment. */
    private void race(RegistryClient one, RegistryClient two) throws Exception {
        String repo = RunningRegistry.newRepository("race");
        int size = 4 * 1024 * 1024;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int races = 0;
        int rounds = 0;
        try {
            while (races < RACES && rounds < MAX_ROUNDS) {
                int round = rounds++;
                String location = client.startUpload(repo);
                byte[] a = Blobs.random(size);
                byte[] b = Blobs.random(size);
                CyclicBarrier barrier = new CyclicBarrier(2);
                AtomicInteger met = new AtomicInteger();
                List<Callable<RegistryClient.Response>> racers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    byte[] chunk = i == 0 ? a : b;
                    RegistryClient racer = i == 0 ? one : two;
                    racers.add(() -> racer.sendWith("PATCH", location, HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(
                                    () -> meetingHalfway(chunk, 256 * 1024, barrier, met)),
                            size), "Content-Type", "application/octet-stream", "Content-Range", "0-" + (size - 1)));
                }
                List<Future<RegistryClient.Response>> answers = pool.invokeAll(racers);
                if (met.get() == 2) {
                    races++;
                }
                List<byte[]> accepted = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    RegistryClient.Response r = answers.get(i).get();
                    assertTrue(r.status() == 202 || r.status() == 416, r::toString);
                    if (r.status() == 202) {
                        accepted.add(i == 0 ? a : b);
                    }
                }
                assertEquals(1, accepted.size(), "exactly one of two chunks for the same range may be accepted");
                RegistryClient.Response status = client.get(location);
                assertEquals("0-" + (size - 1), status.requireHeader("Range"));
                // the accepted chunk is what the upload holds, byte for byte
                String digest = Blobs.sha256(accepted.get(0));
                RegistryClient.Response put = client.put(withQuery(location, "digest=" + digest), new byte[0]);
                assertEquals(201, put.status(), () -> "round " + round + ": " + put);
                RegistryClient.Response get = client.get("/v2/" + repo + "/blobs/" + digest);
                assertEquals(digest, Blobs.sha256(get.body()), "blob stored under " + digest + " does not hash to it");
                assertArrayEquals(accepted.get(0), get.body());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(RACES, races, "rounds in which both chunks were in flight at once, of " + rounds
                + ": the race this test is about did not happen");
    }

    @Test
    void sameBlobPushedConcurrentlyByManyClients() throws Exception {
        String repo = RunningRegistry.newRepository("race");
        byte[] content = Blobs.random(2 * 1024 * 1024);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<String>> pushers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String target = i % 2 == 0 ? repo : repo + "-" + i;
                pushers.add(() -> client.pushBlob(target, content));
            }
            for (Future<String> pushed : pool.invokeAll(pushers)) {
                assertEquals(Blobs.sha256(content), pushed.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(content, client.get("/v2/" + repo + "/blobs/" + Blobs.sha256(content)).body());
    }

    @Test
    void concurrentTagPushesLeaveOneWinner() throws Exception {
        String repo = RunningRegistry.newRepository("race");
        List<PushedImage> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            images.add(PushedImage.push(client, repo, "own-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> pushers = new ArrayList<>();
            for (PushedImage image : images) {
                pushers.add(() -> client.pushManifest(repo, "latest", Blobs.OCI_MANIFEST, image.manifest()));
            }
            pool.invokeAll(pushers).forEach(f -> {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            pool.shutdownNow();
        }
        RegistryClient.Response latest = client.get("/v2/" + repo + "/manifests/latest");
        assertEquals(200, latest.status());
        assertTrue(images.stream().anyMatch(i -> i.digest().equals(latest.requireHeader("Docker-Content-Digest"))));
        assertEquals(Blobs.sha256(latest.body()), latest.requireHeader("Docker-Content-Digest"));
    }
}
