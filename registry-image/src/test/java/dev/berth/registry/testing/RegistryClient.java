package dev.berth.registry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A small registry client on {@link HttpClient} for the HTTP-level tests. */
public final class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;

    /** Answers as they come, redirects included. */
    public RegistryClient(URI base) {
        this(base, HttpClient.Redirect.NEVER);
    }

    private RegistryClient(URI base, HttpClient.Redirect redirects) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(redirects)
                .build();
    }

    /** Follows redirects, as a pulling client does (to S3 for a blob). */
    public static RegistryClient followingRedirects(URI base) {
        return new RegistryClient(base, HttpClient.Redirect.NORMAL);
    }

    public URI base() {
        return base;
    }

    /** An answer: status, headers and the whole body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return Optional.of(e.getValue().get(0));
                }
            }
            return Optional.empty();
        }

        public String requireHeader(String name) {
            return header(name).orElseThrow(() -> new AssertionError("no " + name + " header in " + this));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON: " + text(), e);
            }
        }

        @Override
        public String toString() {
            String text = text();
            return status + " " + headers + " " + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
        }
    }

    // ---- plain requests ----

    public Response get(String path, String... headers) {
        return send("GET", path, (byte[]) null, headers);
    }

    public Response head(String path, String... headers) {
        return send("HEAD", path, (byte[]) null, headers);
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, (byte[]) null, headers);
    }

    public Response post(String path, byte[] body, String... headers) {
        return send("POST", path, body, headers);
    }

    public Response put(String path, byte[] body, String... headers) {
        return send("PUT", path, body, headers);
    }

    public Response patch(String path, byte[] body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    /** A request whose body is sent with chunked transfer encoding (no Content-Length). */
    public Response sendStreamed(String method, String path, byte[] body, String... headers) {
        return sendWith(method, path, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), headers);
    }

    /**
     * @param path a path such as {@code /v2/}, or a Location header value (relative or absolute)
     * @param headers name, value, name, value…
     */
    public Response send(String method, String path, byte[] body, String... headers) {
        return sendWith(method, path, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body), headers);
    }

    public Response sendWith(String method, String path, BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            var answer = http.send(request.build(), BodyHandlers.ofByteArray());
            return new Response(answer.statusCode(), answer.headers().map(), answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request written to the socket as given, for what HttpClient will not send (a
     * Transfer-Encoding of one's own, a path it would change): {@code head} is the request line and
     * headers without the blank line; the connection is closed after the answer.
     */
    public Response raw(String head, byte[] body) {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\nHost: " + base.getAuthority() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                throw new AssertionError("no HTTP answer to " + head + ": " + text);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            List<String> lines = text.substring(0, end).lines().toList();
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            return new Response(Integer.parseInt(lines.get(0).substring(9, 12)), headers,
                    Arrays.copyOfRange(answer, end + 4, answer.length));
        } catch (IOException e) {
            throw new UncheckedIOException(head, e);
        }
    }

    /** {@code body} in HTTP/1.1 chunks (two, when it has two bytes or more), ending with the last chunk. */
    public static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int half = body.length / 2;
        for (byte[] part : new byte[][] {Arrays.copyOfRange(body, 0, half), Arrays.copyOfRange(body, half,
                body.length)}) {
            if (part.length > 0) {
                out.writeBytes((Integer.toHexString(part.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(part);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    public URI resolve(String pathOrLocation) {
        return base.resolve(pathOrLocation);
    }

    // ---- registry operations ----

    /** Starts an upload; answers the Location of the session. */
    public String startUpload(String repository) {
        Response r = post("/v2/" + repository + "/blobs/uploads/", null);
        assertEquals(202, r.status(), () -> "POST upload: " + r);
        return r.requireHeader("Location");
    }

    /** Pushes a blob with POST then PUT ?digest= (monolithic); answers its sha256 digest. */
    public String pushBlob(String repository, byte[] content) {
        return pushBlob(repository, content, Blobs.sha256(content));
    }

    public String pushBlob(String repository, byte[] content, String digest) {
        String location = startUpload(repository);
        Response r = put(withQuery(location, "digest=" + digest), content, "Content-Type", "application/octet-stream");
        assertEquals(201, r.status(), () -> "PUT upload: " + r);
        assertEquals(digest, r.header("Docker-Content-Digest").orElse(null));
        return digest;
    }

    /** PUT of a manifest; answers the response for the caller to check. */
    public Response putManifest(String repository, String reference, String mediaType, byte[] manifest) {
        return put("/v2/" + repository + "/manifests/" + reference, manifest, "Content-Type", mediaType);
    }

    /** PUT of a manifest that must succeed; answers its Docker-Content-Digest. */
    public String pushManifest(String repository, String reference, String mediaType, byte[] manifest) {
        Response r = putManifest(repository, reference, mediaType, manifest);
        assertEquals(201, r.status(), () -> "PUT manifest: " + r);
        String digest = r.requireHeader("Docker-Content-Digest");
        assertNotNull(r.requireHeader("Location"));
        return digest;
    }

    /** A Location as path and query, so that it can be sent to another registry sharing the storage. */
    public static String relative(String location) {
        URI uri = URI.create(location);
        if (!uri.isAbsolute()) {
            return location;
        }
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Adds a query parameter to a Location that may already have some (the signed _state). */
    public static String withQuery(String location, String query) {
        return location + (location.contains("?") ? "&" : "?") + query;
    }
}
