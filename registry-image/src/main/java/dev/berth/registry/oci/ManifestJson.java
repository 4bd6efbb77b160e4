package dev.berth.registry.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a manifest body as exactly one JSON value in UTF-8 without a byte order mark, with no
 * key twice in one object: the only form that every client (Go's encoding/json among them)
 * parses, and parses to the same meaning. Anything else stored under a tag would make it
 * unpullable, or mean one thing to the registry and another to a client.
 */
final class ManifestJson {

    /** Whitespace only, after the value, as Go's encoding/json allows (RFC 8259's four). */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ManifestJson() {}

    /** The body's one JSON value; null for an empty body. */
    static JsonNode read(byte[] body) throws InvalidManifestException {
        checkEncoding(body);
        try (JsonParser parser = JSON.createParser(body)) {
            JsonNode root;
            try {
                root = JSON.readTree(parser);
            } catch (JsonProcessingException e) {
                throw new InvalidManifestException(notJson(e));
            }
            try {
                if (parser.nextToken() != null) {
                    throw trailing(parser.currentTokenLocation().getByteOffset());
                }
            } catch (JsonProcessingException e) {
                throw trailing(e.getLocation() == null ? -1 : e.getLocation().getByteOffset());
            }
            return root;
        } catch (IOException e) {
            throw new InvalidManifestException("manifest could not be read: " + e.getMessage());
        }
    }

    /**
     * UTF-8 only. Jackson alone would detect and accept a byte order mark, UTF-16 and UTF-32,
     * which Go clients cannot read; a NUL byte is never part of UTF-8 JSON, so one means another
     * encoding (and with none, Jackson reads the bytes as UTF-8).
     */
    private static void checkEncoding(byte[] body) throws InvalidManifestException {
        if (startsWith(body, 0xEF, 0xBB, 0xBF)) {
            throw new InvalidManifestException("manifest starts with a UTF-8 byte order mark: send it as UTF-8"
                    + " without one (clients cannot parse it)");
        }
        if (startsWith(body, 0xFE, 0xFF) || startsWith(body, 0xFF, 0xFE)) {
            throw new InvalidManifestException("manifest starts with a UTF-16 or UTF-32 byte order mark: a manifest"
                    + " must be UTF-8 JSON");
        }
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0) {
                throw new InvalidManifestException("manifest has a NUL byte at byte " + i + ": a manifest must be"
                        + " UTF-8 JSON (UTF-16 and UTF-32 are not accepted)");
            }
        }
        long invalid = firstInvalidUtf8(body);
        if (invalid >= 0) {
            throw new InvalidManifestException("manifest is not valid UTF-8 at byte " + invalid);
        }
    }

    /** The offset of the first byte that is not well-formed UTF-8, or -1. */
    private static long firstInvalidUtf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(8192); // decoded text is dropped: only validity counts
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                result = decoder.flush(out);
                return result.isError() ? in.position() : -1;
            }
            out.clear();
        }
    }

    private static boolean startsWith(byte[] body, int... prefix) {
        if (body.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((body[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static InvalidManifestException trailing(long offset) {
        return new InvalidManifestException("manifest has data after its JSON value"
                + (offset >= 0 ? " at byte " + offset : "") + ": a manifest is exactly one JSON object");
    }

    private static String notJson(JsonProcessingException e) {
        String at = e.getLocation() == null || e.getLocation().getByteOffset() < 0 ? ""
                : " (at byte " + e.getLocation().getByteOffset() + ")";
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field")) {
            // Go keeps the last of two equal keys, other parsers the first: either way an attack.
            return "manifest has a key twice in one object: " + message + at
                    + "; parsers disagree on which one counts";
        }
        return "manifest is not valid JSON: " + message + at;
    }
}
