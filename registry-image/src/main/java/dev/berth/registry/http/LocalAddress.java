package dev.berth.registry.http;

/** Where a client on this machine reaches a listener: loopback when it listens everywhere. */
public final class LocalAddress {

    private LocalAddress() {}

    /** {@code host:port}, an IPv6 host in brackets, the wildcard host as {@code 127.0.0.1}. */
    public static String hostPort(String host, int port) {
        String reachable = host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")
                ? "127.0.0.1" : host;
        return (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port;
    }
}
