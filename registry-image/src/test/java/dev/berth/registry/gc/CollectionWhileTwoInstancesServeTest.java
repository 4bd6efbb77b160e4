package dev.berth.registry.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.s3.S3ProxyFixture;
import dev.berth.registry.storage.s3.S3StorageFactory;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.RegistryClient;
import dev.berth.registry.testing.RegistryProcess;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Collections running again and again while two registry processes on one bucket take pushes,
 * pulls and deletes, every step of a push on the other instance than the step before. Pushers
 * also reuse layers of images deleted long enough ago to be garbage, as a client does that finds
 * them present (HEAD) and pushes only a manifest, so collections and pushes race on exactly those
 * blobs. Afterwards every image that was pushed and not deleted pulls byte-identical from both.
 */
class CollectionWhileTwoInstancesServeTest {

    /** Bounded: at most this many images per pusher, and no longer than {@link #DEADLINE}. */
    private static final int IMAGES_PER_PUSHER = 60;
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    /** Between two images of a pusher: spreads the pushes over enough seconds for layers to age. */
    private static final long PAUSE_MILLIS = 200;
    /**
     * A deleted image's layer is reused once it was deleted this long ago: then it is older than
     * the registries' refresh age (so the HEAD that finds it refreshes it), and soon older than
     * the grace, so collections race for it.
     */
    private static final Duration REUSE_AFTER = Duration.ofSeconds(4);
    /** Twice the registries' refresh age and more: leaves seconds for a PUT on a busy machine. */
    private static final Duration GRACE = Duration.ofSeconds(6);

    private static RegistryProcess a;
    private static RegistryProcess b;
    private static Storage storage;

    @BeforeAll
    static void start() throws Exception {
        S3ProxyFixture s3 = S3ProxyFixture.get();
        String bucket = s3.newBucket();
        Map<String, String> env = new HashMap<>(s3.registryEnvironment(bucket));
        env.put("REGISTRY_HTTP_SECRET", "gc-shared-secret");
        env.put("REGISTRY_STORAGE_DELETE_ENABLED", "true");
        env.put("REGISTRY_STORAGE_REDIRECT_DISABLE", "true");
        a = RegistryProcess.start("gc-a", RegistryProcess.Launch.TEST_CLASSPATH, env, GarbageCollectionScenarios.JVM,
                null);
        b = RegistryProcess.start("gc-b", RegistryProcess.Launch.TEST_CLASSPATH, env, GarbageCollectionScenarios.JVM,
                null);
        a.awaitReady();
        b.awaitReady();
        storage = S3StorageFactory.create(s3.settings(bucket, "", 5L * 1024 * 1024), false);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RegistryProcess p : new RegistryProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
        if (storage != null) {
            storage.close();
        }
    }

    /** An image deleted by a pusher, whose blobs are garbage unless pushed again. */
    private record Deleted(TestImage image, long atNanos) {}

    @Test
    void pushesAndPullsThroughTwoInstancesLoseNothingWhileCollectionsRun() throws Exception {
        RegistryClient[] clients = {new RegistryClient(a.base()), new RegistryClient(b.base())};
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        ConcurrentLinkedQueue<TestImage> kept = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Deleted> deleted = new ConcurrentLinkedQueue<>();
        AtomicLong reused = new AtomicLong();
        AtomicLong deletions = new AtomicLong();
        AtomicLong retried = new AtomicLong();
        AtomicBoolean pushing = new AtomicBoolean(true);
        List<GcReport> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());

        Thread collector = Thread.ofPlatform().name("collector").start(() -> {
            try {
                while (pushing.get()) {
                    reports.add(new GarbageCollector(storage, new GcOptions(false, false, GRACE, Optional.empty()),
                            Clock.systemUTC()).run());
                    Thread.sleep(200); // back to back, but leaving the pushers some of the 2 cores
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        List<Thread> pushers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int pusher = p;
            pushers.add(Thread.ofPlatform().name("pusher-" + p).start(() -> {
                try {
                    String repo = "gc/race-" + pusher;
                    for (int i = 0; i < IMAGES_PER_PUSHER && System.nanoTime() < deadline; i++) {
                        TestImage image = pushImage(clients, repo, "t" + i, i, reusable(deleted, repo), reused, retried);
                        if (i % 3 == 2) {
                            RegistryClient.Response gone = clients[i % 2].delete("/v2/" + repo + "/manifests/"
                                    + image.digest());
                            assertEquals(202, gone.status(), gone::toString);
                            deleted.add(new Deleted(image, System.nanoTime()));
                            deletions.incrementAndGet();
                        } else {
                            kept.add(image);
                        }
                        Thread.sleep(PAUSE_MILLIS);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread pusher : pushers) {
            pusher.join(DEADLINE.toMillis() + 60_000);
        }
        pushing.set(false);
        collector.join(120_000);
        assertTrue(failures.isEmpty(), () -> failures.toString());

        for (TestImage image : kept) {
            for (RegistryClient client : clients) {
                image.assertPullsIdentically(client);
            }
        }
        long freed = reports.stream().mapToLong(GcReport::blobsFreed).sum();
        System.out.printf("%d images kept, %d deleted, %d reused layers of deleted images, %d manifest retries,"
                + " %d collections freed %d blobs%n", kept.size(), deletions.get(), reused.get(), retried.get(),
                reports.size(), freed);
        assertTrue(reports.size() >= 3, () -> reports.size() + " collections");
        assertTrue(freed > 0, "collections freed nothing: the test did not race them against garbage");
        assertTrue(reused.get() > 0, "no push reused a deleted image's layer");
        // The HEAD that found the reused layer refreshed it, so no collection freed it before its manifest.
        assertEquals(0, retried.get(), "manifests refused because a layer found by HEAD was collected");
    }

    /** The layer of an image deleted {@link #REUSE_AFTER} ago or earlier in this repository, if any (taken once). */
    private static Optional<Map.Entry<String, byte[]>> reusable(ConcurrentLinkedQueue<Deleted> deleted, String repo) {
        long old = System.nanoTime() - REUSE_AFTER.toNanos();
        for (Deleted d : deleted) {
            if (d.image().repository().equals(repo) && d.atNanos() < old && deleted.remove(d)) {
                return d.image().blobs().entrySet().stream().skip(1).findFirst();
            }
        }
        return Optional.empty();
    }

    /**
     * Pushes a config and a fresh layer, plus a reused one found present by HEAD (not uploaded),
     * alternating instances. A manifest refused with MANIFEST_BLOB_UNKNOWN (the reused layer was
     * collected before the push could refresh it) is retried after uploading it, as clients do.
     */
    private static TestImage pushImage(RegistryClient[] clients, String repo, String tag, int i,
            Optional<Map.Entry<String, byte[]>> reuse, AtomicLong reused, AtomicLong retried) {
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        byte[] config = Blobs.config();
        blobs.put(pushAcross(clients[i % 2], clients[(i + 1) % 2], repo, config), config);
        byte[] layer = Blobs.random(1024 + i);
        blobs.put(pushAcross(clients[(i + 1) % 2], clients[i % 2], repo, layer), layer);
        if (reuse.isPresent()) {
            String digest = reuse.get().getKey();
            if (clients[i % 2].head("/v2/" + repo + "/blobs/" + digest).status() != 200) {
                pushAcross(clients[i % 2], clients[(i + 1) % 2], repo, reuse.get().getValue());
            } else {
                reused.incrementAndGet();
            }
            blobs.put(digest, reuse.get().getValue());
        }
        List<String> layers = new ArrayList<>();
        blobs.entrySet().stream().skip(1).forEach(e -> {
            layers.add(e.getKey());
            layers.add(String.valueOf(e.getValue().length));
        });
        String configDigest = blobs.keySet().iterator().next();
        byte[] manifest = Blobs.imageManifest(configDigest, config.length, layers.toArray(String[]::new));
        RegistryClient manifestClient = clients[(i + 1) % 2];
        RegistryClient.Response put = manifestClient.putManifest(repo, tag, Blobs.OCI_MANIFEST, manifest);
        if (put.status() == 400 && put.text().contains("MANIFEST_BLOB_UNKNOWN") && reuse.isPresent()) {
            retried.incrementAndGet();
            pushAcross(clients[i % 2], clients[(i + 1) % 2], repo, reuse.get().getValue());
            put = manifestClient.putManifest(repo, tag, Blobs.OCI_MANIFEST, manifest);
        }
        RegistryClient.Response answer = put;
        assertEquals(201, answer.status(), answer::toString);
        return new TestImage(repo, answer.requireHeader("Docker-Content-Digest"), Blobs.OCI_MANIFEST, manifest, blobs);
    }

    /** POST on one instance, PUT of the bytes on the other. */
    private static String pushAcross(RegistryClient first, RegistryClient second, String repo, byte[] content) {
        String digest = Blobs.sha256(content);
        RegistryClient.Response started = first.post("/v2/" + repo + "/blobs/uploads/", null);
        assertEquals(202, started.status(), started::toString);
        String location = RegistryClient.relative(started.requireHeader("Location"));
        RegistryClient.Response done = second.put(RegistryClient.withQuery(location, "digest=" + digest), content,
                "Content-Type", "application/octet-stream");
        assertEquals(201, done.status(), done::toString);
        return digest;
    }
}
