package dev.berth.registry.scaleout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.s3.S3ProxyFixture;
import dev.berth.registry.testing.Blobs;
import dev.berth.registry.testing.PatternBlob;
import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A large layer pushed as skopeo and docker do (POST, one streamed PATCH, PUT ?digest=) to a
 * registry process with a small heap on S3: memory stays bounded (the heap is far smaller than
 * the blob, and an OutOfMemoryError would end the process), and the final PUT does no work that
 * grows with the blob. Size: {@code -Dberth.largeBlobMiB} (default 2048).
 *
 * <p>S3Proxy's CompleteMultipartUpload concatenates the parts into a new file (real S3 does not
 * move data), so the registry reports how long that call took and the test compares the commit
 * time without it; the raw times are printed too.
 */
class LargeBlobIT {

    private static final int MIB = 1024 * 1024;
    private static final Pattern COMMITTED = Pattern.compile(
            "committed as (sha256:[0-9a-f]{64}): (\\d+) bytes in (\\d+) part\\(s\\), (\\d+) ms, of which (\\d+) ms completing");

    @Test
    void aLargeBlobIsPushedWithBoundedMemoryAndCommitTimeDoesNotGrowWithItsSize() throws Exception {
        long large = Long.getLong("berth.largeBlobMiB", 2048) * MIB;
        long small = 10L * MIB;
        S3ProxyFixture s3 = S3ProxyFixture.get();
        String bucket = s3.newBucket();
        try {
            pushLargeAndSmall(s3, bucket, large, small);
        } finally {
            s3.emptyBucket(bucket);
        }
    }

    private static void pushLargeAndSmall(S3ProxyFixture s3, String bucket, long large, long small) throws Exception {
        Map<String, String> env = new HashMap<>(s3.registryEnvironment(bucket));
        env.put("REGISTRY_HTTP_SECRET", "large-blob-test");
        try (RegistryProcess registry = RegistryProcess.start("large", RegistryProcess.Launch.TEST_CLASSPATH, env,
                List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxDirectMemorySize=64m", "-XX:+UseSerialGC"),
                null)) {
            registry.awaitReady();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

            Push warmup = push(http, registry.base(), "big/warmup", small, 1);
            Push smallPush = push(http, registry.base(), "big/small", small, 2);
            Push largePush = push(http, registry.base(), "big/large", large, 3);

            // The bytes are there: a range across a part boundary, read back through the redirect.
            long from = 10L * MIB * 7 - 100;
            HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(registry.base().resolve(
                    "/v2/big/large/blobs/" + largePush.digest())).header("Range", "bytes=" + from + "-" + (from + 199))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, range.statusCode());
            assertArrayEquals(new PatternBlob(3, large).slice(from, 200), range.body());

            String log = registry.log();
            Commit smallCommit = commit(log, smallPush.digest());
            Commit largeCommit = commit(log, largePush.digest());
            long rss = peakRssKiB(registry.pid());
            System.out.printf("commit (final PUT) of %d MiB: %d ms, of %d MiB: %d ms;"
                            + " registry-side commit %d ms vs %d ms (S3Proxy's CompleteMultipartUpload %d ms vs %d ms,"
                            + " %d vs %d parts); peak RSS %d MiB with -Xmx128m; warm-up PUT %d ms%n",
                    small / MIB, smallPush.putMillis(), large / MIB, largePush.putMillis(),
                    smallCommit.total() - smallCommit.complete(), largeCommit.total() - largeCommit.complete(),
                    smallCommit.complete(), largeCommit.complete(), smallCommit.parts(), largeCommit.parts(),
                    rss / 1024, warmup.putMillis());

            assertEquals(large, largeCommit.size());
            // Without the server's concatenation, committing 1 GiB costs what 10 MiB does (a few
            // small requests); the slack absorbs a loaded CI machine.
            long smallWork = smallPush.putMillis() - smallCommit.complete();
            long largeWork = largePush.putMillis() - largeCommit.complete();
            assertTrue(largeWork < smallWork * 3 + 1500, "commit work grew with size: " + smallWork + " ms for "
                    + small / MIB + " MiB, " + largeWork + " ms for " + large / MIB + " MiB");
            assertTrue(rss < 450 * 1024, "peak RSS " + rss / 1024 + " MiB");
            // -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError would have ended the process.
            assertTrue(registry.isAlive(), "the registry ran out of memory:\n" + registry.log());
            for (Push push : List.of(warmup, smallPush, largePush)) {
                assertEquals(0, ReadBacks.of(registry, push.uploadId()),
                        "the digest must come from the saved hash state, not from reading S3");
            }
        }
    }

    private record Push(String digest, long putMillis, String uploadId) {}

    private record Commit(long size, int parts, long total, long complete) {}

    /** POST, one PATCH streaming {@code size} generated bytes, then the timed PUT ?digest=. */
    private static Push push(HttpClient http, URI base, String repo, long size, long seed) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("Location").orElseThrow();

        PatternBlob blob = new PatternBlob(seed, size);
        MessageDigest sha256 = Blobs.newSha256(); // hashed as it streams: one pass over the blob
        HttpResponse<String> patched = http.send(HttpRequest.newBuilder(base.resolve(location))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new DigestInputStream(blob.open(), sha256)),
                        size))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, patched.statusCode(), patched.body());
        String digest = Blobs.sha256(sha256);

        String next = patched.headers().firstValue("Location").orElseThrow();
        URI put = base.resolve(next + (next.contains("?") ? "&" : "?") + "digest=" + digest);
        long t0 = System.nanoTime();
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(put).timeout(Duration.ofMinutes(5))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(201, done.statusCode(), done.body());
        return new Push(digest, millis, ReadBacks.uploadId(location));
    }

    private static Commit commit(String log, String digest) {
        Matcher m = COMMITTED.matcher(log);
        while (m.find()) {
            if (m.group(1).equals(digest)) {
                return new Commit(Long.parseLong(m.group(2)), Integer.parseInt(m.group(3)), Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5)));
            }
        }
        throw new AssertionError("no commit of " + digest + " in the registry's log:\n" + log);
    }

    /** The process's peak resident set (VmHWM), in KiB. */
    private static long peakRssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmHWM for " + pid);
    }
}
