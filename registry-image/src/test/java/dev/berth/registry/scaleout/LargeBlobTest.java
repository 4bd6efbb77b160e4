package dev.berth.registry.scaleout;

import dev.berth.registry.testing.RegistryProcess;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.s3.S3ProxyFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
class LargeBlobTest {

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
            assertArrayEquals(Generated.bytes(3, from, 200), range.body());

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
            assertTrue(registry.log().lines().noneMatch(l -> l.contains("OutOfMemoryError")));
            assertTrue(registry.log().lines().noneMatch(l -> l.contains("read back for hashing")),
                    "the digest must come from the saved hash state, not from reading S3");
        }
    }

    private record Push(String digest, long putMillis) {}

    private record Commit(long size, int parts, long total, long complete) {}

    /** POST, one PATCH streaming {@code size} generated bytes, then the timed PUT ?digest=. */
    private static Push push(HttpClient http, URI base, String repo, long size, long seed) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, started.statusCode(), started.body());
        String location = started.headers().firstValue("Location").orElseThrow();

        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        HttpResponse<String> patched = http.send(HttpRequest.newBuilder(base.resolve(location))
                .timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(seed, size, sha256)), size))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, patched.statusCode(), patched.body());
        String digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());

        String next = patched.headers().firstValue("Location").orElseThrow();
        URI put = base.resolve(next + (next.contains("?") ? "&" : "?") + "digest=" + digest);
        long t0 = System.nanoTime();
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(put).timeout(Duration.ofMinutes(5))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(201, done.statusCode(), done.body());
        return new Push(digest, millis);
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

    /**
     * Pseudo-random bytes made on the fly (never held whole): 64 KiB blocks of one random block
     * stamped with the block's number, so any range can be recomputed. Hashes what it gives out.
     */
    static final class Generated extends InputStream {
        private static final int BLOCK = 64 * 1024;
        private final byte[] pattern;
        private final long size;
        private final MessageDigest digest;
        private long position;

        Generated(long seed, long size, MessageDigest digest) {
            this.pattern = new byte[BLOCK];
            new Random(seed).nextBytes(pattern);
            this.size = size;
            this.digest = digest;
        }

        static byte[] bytes(long seed, long from, int length) {
            byte[] out = new byte[length];
            Generated g = new Generated(seed, from + length, null);
            g.position = from;
            int n = 0;
            while (n < length) {
                n += g.read(out, n, length - n);
            }
            return out;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            int done = 0;
            while (done < n) {
                long p = position + done;
                long block = p / BLOCK;
                int within = (int) (p % BLOCK);
                int segment = Math.min(n - done, BLOCK - within);
                System.arraycopy(pattern, within, b, off + done, segment);
                for (int j = within; j < Math.min(8, within + segment); j++) {
                    b[off + done + j - within] = (byte) (block >>> (8 * j));
                }
                done += segment;
            }
            if (digest != null) {
                digest.update(b, off, n);
            }
            position += n;
            return n;
        }
    }
}
