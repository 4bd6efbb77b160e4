package dev.berth.registry.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * Reads the few DER forms of the traditional OpenSSL key files ({@code RSA PRIVATE KEY},
 * {@code EC PRIVATE KEY}): nested sequences of integers, octet strings, object identifiers and
 * explicit tags. Every length is checked against what is left, so a damaged file fails cleanly.
 */
final class Der {

    private final byte[] data;
    private final int end;
    private int position;

    Der(byte[] data) {
        this(data, 0, data.length);
    }

    private Der(byte[] data, int start, int end) {
        this.data = data;
        this.position = start;
        this.end = end;
    }

    boolean hasMore() {
        return position < end;
    }

    /** The next element's tag, without reading it; -1 at the end. */
    int peekTag() {
        return hasMore() ? data[position] & 0xff : -1;
    }

    Der sequence() throws IOException {
        return nested(0x30, "SEQUENCE");
    }

    /** The content of an explicit context tag {@code [n]}. */
    Der explicit(int n) throws IOException {
        return nested(0xa0 + n, "[" + n + "]");
    }

    BigInteger integer() throws IOException {
        return new BigInteger(content(0x02, "INTEGER"));
    }

    byte[] octetString() throws IOException {
        return content(0x04, "OCTET STRING");
    }

    /** An OBJECT IDENTIFIER in dotted form, such as {@code 1.2.840.10045.3.1.7}. */
    String oid() throws IOException {
        byte[] bytes = content(0x06, "OBJECT IDENTIFIER");
        if (bytes.length == 0) {
            throw new IOException("malformed DER: empty OBJECT IDENTIFIER");
        }
        StringBuilder oid = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (byte b : bytes) {
            if (value > (Long.MAX_VALUE >> 7)) {
                throw new IOException("malformed DER: OBJECT IDENTIFIER component too large");
            }
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    long top = Math.min(value / 40, 2);
                    oid.append(top).append('.').append(value - top * 40);
                    first = false;
                } else {
                    oid.append('.').append(value);
                }
                value = 0;
            }
        }
        return oid.toString();
    }

    private Der nested(int tag, String name) throws IOException {
        int length = header(tag, name);
        Der inner = new Der(data, position, position + length);
        position += length;
        return inner;
    }

    private byte[] content(int tag, String name) throws IOException {
        int length = header(tag, name);
        byte[] bytes = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return bytes;
    }

    /** Reads a tag and a length; leaves the position at the content. */
    private int header(int tag, String name) throws IOException {
        if (peekTag() != tag) {
            throw new IOException("malformed DER: expected " + name);
        }
        position++;
        if (!hasMore()) {
            throw new IOException("malformed DER: truncated " + name);
        }
        int first = data[position++] & 0xff;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7f;
            if (count == 0 || count > 3 || end - position < count) {
                throw new IOException("malformed DER: bad length of " + name);
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (data[position++] & 0xff);
            }
        }
        if (length > end - position) {
            throw new IOException("malformed DER: " + name + " longer than its container");
        }
        return length;
    }
}
