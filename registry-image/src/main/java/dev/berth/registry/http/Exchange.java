package dev.berth.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import dev.berth.registry.storage.BufferReadable;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its answer, with blocking helpers for handlers that run on virtual threads.
 * Keeps Jetty's API out of the handlers.
 */
public final class Exchange {

    private static final int COPY_BUFFER = 256 * 1024;
    /** A body is read away for at most this long: a trickling client gets its answer and a closed connection. */
    private static final long DISCARD_NANOS = 2_000_000_000L;

    private final Request request;
    private final Response response;
    private final String path;
    private Fields query;
    private boolean sent;
    private RequestAccess access = RequestAccess.UNRESTRICTED;
    private final RequestFacts facts;

    Exchange(Request request, Response response, RequestFacts facts) {
        this.request = request;
        this.response = response;
        this.facts = facts;
        this.path = UnreservedPath.decode(request.getHttpURI().getPath());
    }

    /** What the log line and metrics will say about this request. */
    RequestFacts facts() {
        return facts;
    }

    /** What the caller may do; set once authentication has identified it. */
    public RequestAccess access() {
        return access;
    }

    void access(RequestAccess access) {
        this.access = access;
    }

    public String method() {
        return request.getMethod();
    }

    public boolean isHead() {
        return "HEAD".equals(request.getMethod());
    }

    /**
     * The request path with escaped unreserved characters decoded ({@code /v2/%61pp} is
     * {@code /v2/app}); the one path both authentication and routing see.
     */
    public String path() {
        return path;
    }

    public Optional<String> query(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        }
        return Optional.ofNullable(query.getValue(name));
    }

    /** Every value of a repeated query parameter ({@code scope=a&scope=b}), in order. */
    public java.util.List<String> queryValues(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        }
        java.util.List<String> values = query.getValues(name);
        return values == null ? java.util.List.of() : values;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    /** Every value of a header that may be repeated (Accept), joined by commas. */
    public String headerValues(String name) {
        return String.join(",", request.getHeaders().getValuesList(name));
    }

    /** The request's Content-Length, or -1 when it has none (chunked). */
    public long contentLength() {
        return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
    }

    /** Whether the request declares a body (a Content-Length above 0, or chunked). */
    public boolean hasBody() {
        return contentLength() > 0 || request.getHeaders().get(HttpHeader.TRANSFER_ENCODING) != null;
    }

    public InputStream body() {
        return Content.Source.asInputStream(request);
    }

    /**
     * Reads and drops what is left of the request body, up to {@code limit} bytes and for at most
     * {@link #DISCARD_NANOS}, so that an error answered before the body was read leaves the
     * connection usable for the client's next request. Beyond either the connection is closed
     * after the answer instead. Takes Jetty's chunks as they come, without a buffer of its own and
     * without a blocking read: a client that sends nothing would hold the answer for the whole
     * body timeout.
     */
    public void discardBody(long limit) {
        if (!hasBody()) {
            return;
        }
        if (contentLength() > limit || !discarded(limit, System.nanoTime() + DISCARD_NANOS)) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    /** Whether the whole body was read away within {@code limit} bytes before {@code deadline}. */
    private boolean discarded(long limit, long deadline) {
        long left = limit;
        try {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    CountDownLatch more = new CountDownLatch(1);
                    request.demand(more::countDown);
                    if (!more.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                        return false;
                    }
                    continue;
                }
                try {
                    if (Content.Chunk.isFailure(chunk)) {
                        return false;
                    }
                    left -= chunk.remaining();
                    if (left < 0) {
                        return false;
                    }
                    if (chunk.isLast()) {
                        return true;
                    }
                } finally {
                    chunk.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public Exchange header(String name, String value) {
        response.getHeaders().put(name, value);
        return this;
    }

    public boolean isSent() {
        return sent;
    }

    /** Sends a status with no body. */
    public void send(int status) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
        write(null);
    }

    /** Sends a small body; for HEAD only its headers. */
    public void send(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, (long) body.length);
        write(isHead() ? null : ByteBuffer.wrap(body));
    }

    /** Streams {@code length} bytes from {@code content}; for HEAD only the headers. */
    public void send(int status, String contentType, long length, InputStream content) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (isHead()) {
            write(null);
            return;
        }
        sent = true;
        if (content instanceof BufferReadable source) {
            sendBuffers(source);
            return;
        }
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            byte[] buffer = new byte[(int) Math.max(1, Math.min(COPY_BUFFER, length))];
            int n;
            while ((n = content.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        }
    }

    /** Fills pooled direct buffers from the source and hands them to the socket: no heap copies. */
    private void sendBuffers(BufferReadable source) throws IOException {
        ByteBufferPool pool = request.getComponents().getByteBufferPool();
        RetainableByteBuffer pooled = pool.acquire(COPY_BUFFER, true);
        try {
            ByteBuffer buffer = pooled.getByteBuffer();
            while (true) {
                BufferUtil.clearToFill(buffer);
                int n = source.read(buffer);
                BufferUtil.flipToFlush(buffer, 0);
                if (n < 0) {
                    break;
                }
                try (Blocker.Callback callback = Blocker.callback()) {
                    response.write(false, buffer, callback);
                    callback.block();
                }
            }
            write(null);
        } finally {
            pooled.release();
        }
    }

    private void write(ByteBuffer body) throws IOException {
        sent = true;
        try (Blocker.Callback callback = Blocker.callback()) {
            response.write(true, body, callback);
            callback.block();
        }
    }
}
