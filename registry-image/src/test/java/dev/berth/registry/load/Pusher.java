package dev.berth.registry.load;

import dev.berth.registry.testing.PatternBlob;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A client pushing blobs as docker does: POST, one PATCH with the whole blob, PUT with the digest. */
final class Pusher {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final URI base;

    Pusher(URI base) {
        this.base = base;
    }

    /** The final status of the push (201 when stored), or the first failing status. */
    int push(String repository, PatternBlob blob) throws IOException, InterruptedException {
        HttpResponse<String> started = send("POST", "/v2/" + repository + "/blobs/uploads/",
                BodyPublishers.noBody());
        if (started.statusCode() != 202) {
            return started.statusCode();
        }
        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> patched = send("PATCH", location,
                BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(blob::open), blob.size()));
        if (patched.statusCode() != 202) {
            return patched.statusCode();
        }
        location = patched.headers().firstValue("Location").orElseThrow();
        return send("PUT", location + "&digest=" + blob.digest(), BodyPublishers.noBody()).statusCode();
    }

    HttpResponse<String> send(String method, String pathAndQuery, HttpRequest.BodyPublisher body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/octet-stream").method(method, body).build();
        return HTTP.send(request, BodyHandlers.ofString());
    }

    URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, BodyHandlers.ofString());
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET()
                .build(), BodyHandlers.ofString());
    }

    /** Milliseconds a GET of {@code path} takes, failing unless it answers 200. */
    long timedGet(String path) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " -> " + response.statusCode() + " " + response.body());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
