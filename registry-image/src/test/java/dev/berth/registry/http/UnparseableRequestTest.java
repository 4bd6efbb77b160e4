package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = 150;
    private static final long DEADLINE_SECONDS = 90;

    @Test
    void aDuplicateHostHeaderIsA400WithTheErrorJson() throws IOException {
        Answer answer = exchangeOnce(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1\r\n\r\n")
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
            Answer.read(in).assertError(400, "UNKNOWN");
            assertEquals(-1, in.read(), "the registry must close the connection after the answer");
        }
    }

    @Test
    void anUnknowableBodyLengthIsSizeInvalid() throws IOException {
        Answer answer = exchangeOnce(("PUT /v2/a/manifests/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n"
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
        Answer answer = exchangeOnce(hello);
        if (answer.status != 400 || !answer.body.contains("\"code\":\"UNKNOWN\"")) {
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
                Answer answer = Answer.read(in);
                if (answer.status != 200 || !"{}".equals(answer.body)) {
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
                Answer plain = exchangeOnce(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + registry.server().port()
                        + "\r\nUser-Agent: berth-test\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (plain.status != 200) {
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
    private static Answer exchangeOnce(byte[] request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return Answer.read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** The first flight of a real TLS client (a ClientHello record), as Go's https ping sends it. */
    private static byte[] clientHello() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("127.0.0.1", registry.server().port());
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        assertEquals(0x16, hello[0], "not a TLS handshake record");
        return hello;
    }

    /** One HTTP/1.1 answer with a Content-Length body. */
    private record Answer(int status, List<String> headers, String body) {

        static Answer read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) {
                return new Answer(-1, List.of(), "(connection closed without an answer)");
            }
            List<String> headers = new ArrayList<>();
            int length = 0;
            String line;
            while ((line = line(in)) != null && !line.isEmpty()) {
                headers.add(line);
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            int status = statusLine.startsWith("HTTP/1.1 ") ? Integer.parseInt(statusLine.substring(9, 12)) : -1;
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst().orElse("");
        }

        JsonNode assertError(int expectedStatus, String code) throws IOException {
            assertEquals(expectedStatus, status, this::toString);
            assertTrue(header("content-type").startsWith("application/json"), this::toString);
            JsonNode first = JSON.readTree(body).path("errors").path(0);
            assertEquals(code, first.path("code").asText(), this::toString);
            assertTrue(!first.path("message").asText().isBlank() && !first.path("detail").asText().isBlank(),
                    this::toString);
            return first;
        }
    }
}
