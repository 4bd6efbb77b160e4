package dev.berth.registry.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@code application/x-www-form-urlencoded} body of a few fields, read whole but bounded. */
final class FormFields {

    /** A token request is a few hundred bytes; this leaves room for many scopes. */
    static final int MAX_LENGTH = 64 * 1024;

    private final Map<String, List<String>> fields;

    private FormFields(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** @throws RegistryException 400 for another content type, an oversized body or a bad %-escape */
    static FormFields read(Exchange exchange) throws IOException {
        String type = exchange.header("Content-Type").orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw TokenEndpoint.badRequest("the body must be application/x-www-form-urlencoded, got \""
                    + BasicCredentials.forLog(type) + "\"");
        }
        if (exchange.contentLength() > MAX_LENGTH) {
            throw TokenEndpoint.badRequest("the form is larger than " + MAX_LENGTH + " bytes");
        }
        byte[] body;
        try (InputStream in = exchange.body()) {
            body = in.readNBytes(MAX_LENGTH + 1);
        }
        if (body.length > MAX_LENGTH) {
            throw TokenEndpoint.badRequest("the form is larger than " + MAX_LENGTH + " bytes");
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            try {
                fields.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw TokenEndpoint.badRequest("the form has a malformed %-escape");
            }
        }
        return new FormFields(fields);
    }

    Optional<String> first(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }
}
