package dev.berth.registry.scaleout;

import dev.berth.registry.testing.RegistryProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** A small registry client for the scale-out tests: requests go to whichever instance is named. */
final class Http {

    /** Answers as they come, redirects included. */
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    /** Follows redirects, as a pulling client does (to S3Proxy on 127.0.0.1). */
    private static final HttpClient FOLLOWING = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    static HttpResponse<byte[]> send(RegistryProcess to, String method, String pathAndQuery, byte[] body,
            String... headers) {
        return send(NO_REDIRECTS, to, method, pathAndQuery, body, headers);
    }

    static HttpResponse<byte[]> pull(RegistryProcess from, String pathAndQuery, String... headers) {
        return send(FOLLOWING, from, "GET", pathAndQuery, null, headers);
    }

    private static HttpResponse<byte[]> send(HttpClient client, RegistryProcess to, String method,
            String pathAndQuery, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(to.base().resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathAndQuery + " on " + to.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Location header as path and query (relative, so it can be sent to another instance). */
    static String location(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new AssertionError("no Location in " + response));
        URI uri = URI.create(location);
        if (uri.isAbsolute()) {
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
        return location;
    }

    static String withQuery(String location, String query) {
        return location + (location.contains("?") ? "&" : "?") + query;
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
