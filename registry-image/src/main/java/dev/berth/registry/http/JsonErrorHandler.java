package dev.berth.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests that Jetty itself refuses before they reach the registry (an ambiguous path such as
 * {@code /v2/a//b/tags/list}, a malformed header) get the spec's error JSON too, not an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every method gets the error body, not only GET and POST (registry clients PUT and PATCH). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
            Callback callback) throws IOException {
        String path = request.getHttpURI() == null ? "" : String.valueOf(request.getHttpURI().getPath());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
        response.write(true, ByteBuffer.wrap(body(code(status, message, path), message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(code(status, reason, ""), reason));
    }

    /**
     * The spec's code closest to Jetty's reason. Under {@code /v2/} only the repository name spans
     * several path segments, so an ambiguous path (empty segment, encoded '/', dot segment) is a bad name.
     * A body whose length cannot be known is a bad size. Any other 400 is a message that is not valid
     * HTTP (a duplicate Host header, a TLS handshake sent to this plain port): the spec has no code for
     * that, and UNSUPPORTED would say 405; UNKNOWN is registry:2's code for an error without an API
     * classification, and the status stays 400, so it is still the client's error.
     */
    static ErrorCode code(int status, String message, String path) {
        String reason = message == null ? "" : message;
        if (status == 400) {
            if (reason.contains("URI") && path.startsWith("/v2/")) {
                return ErrorCode.NAME_INVALID;
            }
            if (reason.contains("Content-Length") || reason.contains("Transfer-Encoding")) {
                return ErrorCode.SIZE_INVALID;
            }
            return ErrorCode.UNKNOWN;
        }
        if (status == 404 || status == 405) {
            return ErrorCode.UNSUPPORTED;
        }
        if (status == 413 || status == 431) {
            return ErrorCode.SIZE_INVALID; // a body, or the request's headers, larger than allowed
        }
        // Anything else Jetty refuses (a URI too long, an HTTP version it does not speak, a
        // server error) is a message the API never saw: no API code fits, as for a 400.
        return ErrorCode.UNKNOWN;
    }

    private static byte[] body(ErrorCode code, String reason) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode entry = body.putArray("errors").addObject();
        entry.put("code", code.name());
        entry.put("message", code.message());
        entry.put("detail", "request refused: " + (reason == null || reason.isBlank() ? "malformed request" : reason));
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
