package dev.berth.registry.http.handlers;

/** Whether a manifest's media type satisfies a request's {@code Accept} header. */
final class AcceptHeader {

    private AcceptHeader() {}

    /** No header, a wildcard, or the exact type allows it. */
    static boolean allows(String accept, String mediaType) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";", 2)[0].trim();
            if (type.isEmpty() || type.equals("*/*") || type.equals("application/*") || type.equals(mediaType)) {
                return true;
            }
        }
        return false;
    }
}
