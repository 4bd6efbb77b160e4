package dev.berth.registry.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** An error answer: thrown by handlers, rendered once as the spec's error JSON. */
public class RegistryException extends RuntimeException {

    private final ErrorCode code;
    private final int status;
    private final String detail;
    private String message;
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
        this.message = code.message();
    }

    /**
     * 429 TOOMANYREQUESTS: a limit of the registry is reached for now; the client may try again
     * after {@code retryAfterSeconds} (docker, containerd and skopeo retry such answers).
     */
    public static RegistryException tooManyRequests(String detail, long retryAfterSeconds) {
        return new RegistryException(ErrorCode.TOOMANYREQUESTS, detail)
                .withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    /**
     * 507 Insufficient Storage: the registry's storage has no space left; the request stored
     * nothing half-written. Not retried by clients, rightly: it takes an operator to free space.
     */
    public static RegistryException storageFull(String detail) {
        return new RegistryException(ErrorCode.UNAVAILABLE, 507, detail).withMessage("the registry's storage is full");
    }

    /** 503 with {@code Retry-After}: the storage backend failed for now (S3 throttling, a 5xx, a timeout). */
    public static RegistryException storageUnavailable(String detail, long retryAfterSeconds) {
        return new RegistryException(ErrorCode.UNAVAILABLE, detail)
                .withMessage("the registry's storage is unavailable for now; try again later")
                .withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    /** The error's {@code message} in place of the code's usual one (clients show it). */
    public RegistryException withMessage(String message) {
        this.message = message;
        return this;
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

    /** The {@code message} field: the code's usual text unless {@link #withMessage} changed it. */
    public String message() {
        return message;
    }

    public String detail() {
        return detail;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
