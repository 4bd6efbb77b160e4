package dev.berth.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.testing.Htpasswd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request without valid credentials is answered 401 before any of its body is read: no
 * {@code 100 Continue}, and when a body was announced the connection is closed after the answer,
 * so a client cannot push megabytes into the registry before being refused. Raw sockets, so the
 * test sees exactly what goes over the wire and when.
 */
class UnauthenticatedBodyTest {

    private static final long HUNDRED_MIB = 100L << 20;

    @TempDir
    static Path folder;

    private static RegistryServer server;

    @BeforeAll
    static void start() throws Exception {
        Path htpasswd = Htpasswd.write(folder.resolve("htpasswd"), 5, "alice", "secret");
        RegistryConfig plain = RegistryConfig.forFilesystem(Files.createDirectory(folder.resolve("data")), true);
        server = RegistryServer.start(new RegistryConfig(plain.http(), plain.storage(), plain.log(),
                Optional.of(new RegistryConfig.Htpasswd("test", htpasswd))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void expectContinueWithoutCredentialsGets401AndNoContinueAndTheConnectionCloses() throws Exception {
        assertRefusedBeforeTheBody("Content-Length: " + HUNDRED_MIB + "\r\nExpect: 100-continue\r\n");
    }

    @Test
    void aDeclaredBodyWithoutExpectIsNotWaitedFor() throws Exception {
        assertRefusedBeforeTheBody("Content-Length: " + HUNDRED_MIB + "\r\n");
    }

    @Test
    void aChunkedBodyIsNotWaitedForEither() throws Exception {
        assertRefusedBeforeTheBody("Transfer-Encoding: chunked\r\n");
    }

    @Test
    void wrongCredentialsAreRefusedTheSameWay() throws Exception {
        assertRefusedBeforeTheBody("Content-Length: " + HUNDRED_MIB + "\r\nExpect: 100-continue\r\n"
                + "Authorization: " + Htpasswd.basic("alice", "wrong") + "\r\n");
    }

    @Test
    void aClientThatSendsItsBodyAnywayIsCutOffFarShortOfIt() throws Exception {
        try (Socket socket = new Socket()) {
            // A small send buffer, so that what the kernels hold is small beside what the registry reads.
            socket.setSendBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            socket.getOutputStream().write(request("Content-Length: " + HUNDRED_MIB + "\r\n"));
            byte[] chunk = new byte[64 * 1024];
            long sent = 0;
            try {
                while (sent < HUNDRED_MIB) {
                    socket.getOutputStream().write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException e) {
                // the registry closed the connection: what we expect
            }
            // Before, the registry read up to 8 MiB of a refused body; now only socket buffers fill.
            assertTrue(sent < 4 << 20, "the client got " + sent + " bytes of a refused body out");
        }
    }

    @Test
    void a401WithoutABodyKeepsTheConnectionForTheNextRequest() throws Exception {
        try (Socket socket = connect()) {
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write(request(""));
                String head = readHead(socket.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 401"), head);
                assertFalse(head.toLowerCase().contains("connection: close"), head);
                readBody(socket.getInputStream(), head);
            }
        }
    }

    private static void assertRefusedBeforeTheBody(String headers) throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request(headers));
            // Nothing of the body is sent: the answer must come anyway.
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 401"), "a 401 first, no 100 Continue: " + head);
            assertTrue(head.toLowerCase().contains("connection: close"), head);
            assertTrue(head.contains("WWW-Authenticate: Basic realm=\"test\""), head);
            String body = readBody(in, head);
            assertTrue(body.contains("UNAUTHORIZED"), body);
            assertEquals(-1, in.read(), "the connection is closed after the answer");
        }
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] request(String headers) {
        return ("PUT /v2/team/app/blobs/uploads/x?digest=sha256:" + "0".repeat(64) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer within 10 s; got so far: " + head, e);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String readBody(InputStream in, String head) throws IOException {
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
