package dev.berth.registry.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that send wrong passwords and unknown user names as fast as the registry answers,
 * each from its own loopback address (127.0.0.2, 127.0.0.3 …), while a probe from 127.0.0.1
 * times the health check and a valid user's request. Bounded by a duration.
 */
public final class AuthFlood {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    /** Latencies in milliseconds and the answers each side got. */
    public record Result(List<Long> health, List<Long> user, Map<Integer, Integer> probeStatuses,
            Map<Integer, Integer> attackStatuses, int attackErrors) {

        public long p95(List<Long> millis) {
            List<Long> sorted = millis.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1));
        }

        public long max(List<Long> millis) {
            return Collections.max(millis);
        }

        public String summary() {
            return "health p95 " + p95(health) + " ms (max " + max(health) + ", n=" + health.size() + "), user p95 "
                    + p95(user) + " ms (max " + max(user) + ", n=" + user.size() + "), probe statuses " + probeStatuses
                    + ", attack statuses " + attackStatuses + ", attack errors " + attackErrors;
        }
    }

    private AuthFlood() {}

    /**
     * @param user a valid user's {@code Authorization} header, already checked once (so remembered)
     */
    public static Result run(URI base, int attackers, Duration duration, String user) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        Map<Integer, AtomicInteger> attackStatuses = new ConcurrentHashMap<>();
        AtomicInteger attackErrors = new AtomicInteger();
        List<Long> health = Collections.synchronizedList(new ArrayList<>());
        List<Long> userTimes = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicInteger> probeStatuses = new ConcurrentHashMap<>();
        List<HttpClient> clients = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < attackers; i++) {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .localAddress(InetAddress.getByName("127.0.0." + (2 + i)))
                        .connectTimeout(Duration.ofSeconds(10)).build();
                clients.add(client);
                int attacker = i;
                threads.submit(() -> attack(client, base, attacker, end, attackStatuses, attackErrors));
            }
            HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            clients.add(probe);
            Thread.sleep(1_000); // let the flood build up first
            while (System.nanoTime() < end) {
                health.add(timed(probe, base.resolve("/healthz"), null, probeStatuses));
                userTimes.add(timed(probe, base.resolve("/v2/"), user, probeStatuses));
                Thread.sleep(100);
            }
        } finally {
            threads.shutdown();
            if (!threads.awaitTermination(60, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
            clients.forEach(HttpClient::close);
        }
        return new Result(List.copyOf(health), List.copyOf(userTimes), snapshot(probeStatuses),
                snapshot(attackStatuses), attackErrors.get());
    }

    private static void attack(HttpClient client, URI base, int attacker, long end,
            Map<Integer, AtomicInteger> statuses, AtomicInteger errors) {
        for (int n = 0; System.nanoTime() < end; n++) {
            // Half guess passwords of a real user, half try names that do not exist.
            String name = attacker % 2 == 0 ? "alice" : "intruder" + attacker + "-" + n;
            HttpRequest request = HttpRequest.newBuilder(base.resolve("/v2/"))
                    .header("Authorization", Htpasswd.basic(name, "guess-" + attacker + "-" + n))
                    .timeout(Duration.ofSeconds(30)).GET().build();
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
            } catch (IOException e) {
                errors.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Milliseconds until the answer; a probe that gets none counts as the whole timeout. */
    private static long timed(HttpClient client, URI uri, String authorization, Map<Integer, AtomicInteger> statuses)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        long start = System.nanoTime();
        int status;
        try {
            status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = -1;
        }
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static Map<Integer, Integer> snapshot(Map<Integer, AtomicInteger> counts) {
        Map<Integer, Integer> copy = new TreeMap<>();
        counts.forEach((status, n) -> copy.put(status, n.get()));
        return copy;
    }
}
