package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.testing.HttpAnswer;
import dev.berth.registry.testing.TlsClientHello;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests Jetty cannot parse get a 400 with the spec's error JSON and close only their own
 * connection: a client such as crane sends a TLS handshake and a plain GET /v2/ to the same
 * port at the same moment, and the plain one must never see the other's state or bytes.
 */
class UnparseableRequestTest {

    @RegisterExtension
    static final RunningRegistry registry = RunningRegistry.withDelete();

    private static final int ROUNDS = 150;
    private static final long DEADLINE_SECONDS = 90;

    @Test
    void aDuplicateHostHeaderIsA400WithTheErrorJson() throws IOException {
        HttpAnswer answer = exchangeOnce(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        JsonNode error = answer.assertError(400, "UNKNOWN");
        assertTrue(error.path("detail").asText().contains("Duplicate Host"), answer::toString);
        assertEquals("close", answer.header("connection"), () -> "the connection must not be reused: " + answer);
    }

    @Test
    void aTlsHandshakeOnThePlainPortIsA400WithTheErrorJson() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(clientHello());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            HttpAnswer.read(in).assertError(400, "UNKNOWN");
            assertEquals(-1, in.read(), "the registry must close the connection after the answer");
        }
    }

    @Test
    void headersOverTheLimitAreSizeInvalidNotUnsupported() throws IOException {
        HttpAnswer answer = exchangeOnce(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000)
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        answer.assertError(431, "SIZE_INVALID");
    }

    @Test
    void anUnknownHttpVersionGetsTheErrorJsonNotUnsupported() throws IOException {
        HttpAnswer answer = exchangeOnce("GET /v2/ HTTP/7.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(answer.status() >= 400 && answer.status() < 600, answer::toString);
        answer.assertError(answer.status(), "UNKNOWN");
    }

    @Test
    void anUnknowableBodyLengthIsSizeInvalid() throws IOException {
        HttpAnswer answer = exchangeOnce(("PUT /v2/a/manifests/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n"
                + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.ISO_8859_1));
        answer.assertError(400, "SIZE_INVALID");
    }

    /**
     * Rounds of a TLS handshake on fresh connections beside keep-alive plain requests on others,
     * and crane's ping (a handshake and a plain GET /v2/ opened together): every plain answer is
     * the 200 of its own request, every handshake its own 400.
     */
    @Test
    void tlsHandshakesBesidePlainRequestsNeverMixConnections() throws Exception {
        byte[] hello = clientHello();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                results.add(threads.submit(() -> handshakes(hello)));
                results.add(threads.submit(UnparseableRequestTest::keepAlivePings));
            }
            results.add(threads.submit(() -> cranePings(hello)));
            results.add(threads.submit(() -> cranePings(hello)));
            List<String> failures = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            for (Future<String> result : results) {
                String failure = result.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (failure != null) {
                    failures.add(failure);
                }
            }
            assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
        } finally {
            threads.shutdownNow();
        }
        // and the registry still answers
        assertEquals(200, registry.client().get("/v2/").status());
    }

    private static String handshakes(byte[] hello) throws IOException {
        for (int round = 0; round < ROUNDS; round++) {
            String failure = checkHandshake(hello, round);
            if (failure != null) {
                return failure;
            }
        }
        return null;
    }

    private static String checkHandshake(byte[] hello, int round) throws IOException {
        HttpAnswer answer = exchangeOnce(hello);
        if (answer.status() != 400 || !answer.body().contains("\"code\":\"UNKNOWN\"")) {
            return "handshake round " + round + ": " + answer;
        }
        return null;
    }

    /** Plain GET /v2/ on one keep-alive connection, again and again. */
    private static String keepAlivePings() throws IOException {
        byte[] ping = ("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + registry.server().port() + "\r\n"
                + "User-Agent: berth-test\r\nAccept-Encoding: gzip\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int round = 0; round < ROUNDS; round++) {
                out.write(ping);
                out.flush();
                HttpAnswer answer = HttpAnswer.read(in);
                if (answer.status() != 200 || !"{}".equals(answer.body())) {
                    return "keep-alive ping " + round + ": " + answer;
                }
            }
        }
        return null;
    }

    /** A handshake and a plain ping opened at the same moment, like crane's https/http ping. */
    private static String cranePings(byte[] hello) throws Exception {
        ExecutorService pair = Executors.newFixedThreadPool(1);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                int r = round;
                Future<String> handshake = pair.submit(() -> checkHandshake(hello, r));
                HttpAnswer plain = exchangeOnce(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + registry.server().port()
                        + "\r\nUser-Agent: berth-test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (plain.status() != 200) {
                    return "crane ping " + round + ": " + plain;
                }
                String failure = handshake.get(30, TimeUnit.SECONDS);
                if (failure != null) {
                    return failure;
                }
            }
            return null;
        } finally {
            pair.shutdownNow();
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", registry.server().port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Sends the bytes on a new connection and reads the one answer. */
    private static HttpAnswer exchangeOnce(byte[] request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return HttpAnswer.read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static byte[] clientHello() throws Exception {
        return TlsClientHello.bytes("127.0.0.1", registry.server().port());
    }
}
