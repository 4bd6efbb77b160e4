package dev.berth.registry.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.eclipse.jetty.server.Request;

/**
 * Who a request comes from, for the per-client limits: the TCP peer, or with
 * {@code limits.trustforwardedfor} the last {@code X-Forwarded-For} entry.
 *
 * <p>A load balancer such as the Berth stack's ALB appends the address it received the request
 * from to {@code X-Forwarded-For}; what a client wrote there itself comes before. So only the
 * last entry can be trusted, and only when every request passes that balancer: otherwise a
 * client can write any address there and have a fresh budget each request. Without the setting
 * behind a balancer, all clients share the balancer's few addresses and one of them failing
 * logins would hold back the others.
 *
 * <p>IPv6 addresses count by their /64 network: one host usually has a whole /64 to pick from.
 */
final class ClientAddress {

    private final boolean trustForwardedFor;

    ClientAddress(boolean trustForwardedFor) {
        this.trustForwardedFor = trustForwardedFor;
    }

    String of(Request request) {
        if (trustForwardedFor) {
            String forwarded = lastForwarded(request.getHeaders().getValuesList("X-Forwarded-For"));
            InetAddress address = forwarded == null ? null : literal(forwarded);
            if (address != null) {
                return key(address);
            }
        }
        SocketAddress peer = request.getConnectionMetaData().getRemoteSocketAddress();
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return key(inet.getAddress());
        }
        return String.valueOf(peer);
    }

    private static String lastForwarded(List<String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        String last = headers.get(headers.size() - 1);
        return last.substring(last.lastIndexOf(',') + 1).strip();
    }

    /** An IP literal, never a name: a header must not make the registry ask DNS. */
    static InetAddress literal(String text) {
        String ip = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v6 = ip.indexOf(':') >= 0;
        if (ip.isEmpty() || ip.length() > 45) {
            return null;
        }
        for (int i = 0; i < ip.length(); i++) {
            char c = ip.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.'
                    || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
            if (!ok) {
                return null;
            }
        }
        if (!v6 && ip.chars().filter(c -> c == '.').count() != 3) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static String key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            StringBuilder network = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                network.append(String.format("%x:", ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
            }
            return network.append(":/64").toString();
        }
        return address.getHostAddress();
    }
}
