package dev.berth.registry.config;

/**
 * The {@code http.addr} forms Go's listeners accept: {@code :5000}, {@code 0.0.0.0:5000},
 * {@code localhost:5000}, {@code [::1]:5000}. An empty host means every interface.
 */
record HttpAddress(String host, int port) {

    static final String ALL_INTERFACES = "0.0.0.0";

    /** @throws IllegalArgumentException with a message that completes "http.addr: ". */
    static HttpAddress parse(String text) {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("must be [ipv6]:port, got \"" + text + "\"");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("must be host:port or :port, got \"" + text + "\"");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("an IPv6 host needs brackets, as in [::1]:5000, got \"" + text + "\"");
            }
        }
        return new HttpAddress(host.isEmpty() ? ALL_INTERFACES : host, parsePort(port));
    }

    private static int parsePort(String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number, got \"" + text + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        return port;
    }
}
