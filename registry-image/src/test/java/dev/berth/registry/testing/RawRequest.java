package dev.berth.registry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A request written by hand on its own socket, for clients no HTTP library plays: one that
 * declares a body and sends nothing, or trickles it.
 */
public final class RawRequest implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;

    private RawRequest(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Opens a connection and sends the request line and headers (each "Name: value"), no body. */
    public static RawRequest open(URI base, String method, String pathAndQuery, String... headers) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        socket.setSoTimeout(60_000);
        RawRequest request = new RawRequest(socket);
        StringBuilder head = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        request.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        request.out.flush();
        return request;
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The status line of the answer, or null when the server closed without one. */
    public String readStatusLine() throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString().trim();
    }

    /** The status line and headers of the answer, up to the blank line; empty when the server closed first. */
    public String readHead() throws IOException {
        StringBuilder head = new StringBuilder();
        String line;
        while ((line = readStatusLine()) != null && !line.isEmpty()) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    /** Whether the server closes the connection within {@code timeout}, reading away whatever it sends. */
    public boolean awaitClosed(java.time.Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    public boolean isClosedByServer() {
        try {
            socket.setSoTimeout(100);
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
