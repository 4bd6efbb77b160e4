package dev.berth.registry.http.handlers;

import dev.berth.registry.oci.MediaTypes;

/** Whether a manifest's media type satisfies a request's {@code Accept} header. */
final class AcceptHeader {

    private AcceptHeader() {}

    /** No header, a wildcard, or the type (in any case, RFC 9110) allows it. */
    static boolean allows(String accept, String mediaType) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            String type = MediaTypes.essence(part);
            if (type.isEmpty() || type.equals("*/*") || type.equals("application/*") || type.equals(mediaType)) {
                return true;
            }
        }
        return false;
    }
}
