package dev.berth.registry.http;

/**
 * Decodes the percent-escapes of unreserved characters in a request path ({@code %61} is
 * {@code a}): RFC 3986 (2.3, 6.2.2.2) makes them the same as the plain character, and clients
 * may send either. Every other escape stays as it is, so an encoded '/' or '%' can never become
 * a separator or start a second round of decoding, and stays refused where it was.
 */
final class UnreservedPath {

    private UnreservedPath() {}

    static String decode(String rawPath) {
        if (rawPath == null) {
            return "";
        }
        int percent = rawPath.indexOf('%');
        if (percent < 0) {
            return rawPath;
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        decoded.append(rawPath, 0, percent);
        int i = percent;
        while (i < rawPath.length()) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length() && isUnreserved(escaped(rawPath, i))) {
                decoded.append((char) escaped(rawPath, i));
                i += 3;
            } else {
                decoded.append(c);
                i++;
            }
        }
        return decoded.toString();
    }

    /** The character {@code %XY} at {@code i} stands for, or -1 when it is no escape. */
    private static int escaped(String path, int i) {
        int high = Character.digit(path.charAt(i + 1), 16);
        int low = Character.digit(path.charAt(i + 2), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }

    /** RFC 3986's unreserved set: ALPHA / DIGIT / "-" / "." / "_" / "~". */
    private static boolean isUnreserved(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
