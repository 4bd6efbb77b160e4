package dev.berth.registry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One HTTP/1.1 answer with a Content-Length body, read byte by byte from a raw socket. */
public record HttpAnswer(int status, List<String> headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The next answer on the stream; status -1 when the server closed without one or sent no HTTP. */
    public static HttpAnswer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return new HttpAnswer(-1, List.of(), "(connection closed without an answer)");
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
        return new HttpAnswer(status, headers, status < 0 ? statusLine : new String(body, StandardCharsets.UTF_8));
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

    public String header(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(h -> h.substring(prefix.length()).trim()).findFirst().orElse("");
    }

    /** Whether this is the spec's error JSON with {@code code}, a message and a detail. */
    public boolean isError(int expectedStatus, String code) {
        if (status != expectedStatus || !header("content-type").startsWith("application/json")) {
            return false;
        }
        try {
            JsonNode first = JSON.readTree(body).path("errors").path(0);
            return code.equals(first.path("code").asText()) && !first.path("message").asText().isBlank()
                    && !first.path("detail").asText().isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    /** Asserts {@link #isError} and returns the first error entry. */
    public JsonNode assertError(int expectedStatus, String code) throws IOException {
        assertEquals(expectedStatus, status, this::toString);
        assertTrue(isError(expectedStatus, code), this::toString);
        return JSON.readTree(body).path("errors").path(0);
    }
}
