package dev.berth.registry.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answer: thrown by handlers, rendered once as the spec's error JSON. */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final int status;
    private final String detail;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public RegistryException(ErrorCode code, String detail) {
        this(code, code.status(), detail);
    }

    /** For the few answers whose status differs from the code's usual one (e.g. 413 for an oversized manifest). */
    public RegistryException(ErrorCode code, int status, String detail) {
        super(code + ": " + detail);
        this.code = code;
        this.status = status;
        this.detail = detail;
    }

    /**
     * 429 TOOMANYREQUESTS: a limit of the registry is reached for now; the client may try again
     * after {@code retryAfterSeconds} (docker, containerd and skopeo retry such answers).
     */
    public static RegistryException tooManyRequests(String detail, long retryAfterSeconds) {
        return new RegistryException(ErrorCode.TOOMANYREQUESTS, detail)
                .withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    public RegistryException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
