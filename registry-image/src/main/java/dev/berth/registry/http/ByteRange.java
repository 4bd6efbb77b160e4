package dev.berth.registry.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An inclusive byte range, from a blob GET's {@code Range} or an upload PATCH's {@code Content-Range}. */
public record ByteRange(long first, long last) {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes )?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");

    public long length() {
        return last - first + 1;
    }

    /**
     * The part of a blob of {@code size} bytes a {@code Range} header asks for. Empty means
     * "send the whole blob" (no header, or a form we do not serve such as several ranges).
     *
     * @throws RegistryException RANGE_INVALID (416) when the range lies outside the blob
     */
    public static Optional<ByteRange> ofRangeHeader(Optional<String> header, long size) {
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = RANGE.matcher(header.get().trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty(); // RFC 9110: an unparseable or multi-range header may be ignored
        }
        try {
            long first;
            long last;
            if (m.group(1).isEmpty()) { // suffix: the last N bytes
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    throw unsatisfiable(header.get(), size);
                }
                first = Math.max(0, size - suffix);
                last = size - 1;
            } else {
                first = Long.parseLong(m.group(1));
                last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            }
            if (first >= size || first > last) {
                throw unsatisfiable(header.get(), size);
            }
            return Optional.of(new ByteRange(first, last));
        } catch (NumberFormatException e) {
            throw unsatisfiable(header.get(), size);
        }
    }

    /** Parses an upload chunk's {@code Content-Range: <first>-<last>}; empty when the text is malformed. */
    public static Optional<ByteRange> ofContentRange(String header) {
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long first = Long.parseLong(m.group(1));
            long last = Long.parseLong(m.group(2));
            // last - first < MAX keeps length() from overflowing on 0-9223372036854775807
            return first <= last && last - first < Long.MAX_VALUE ? Optional.of(new ByteRange(first, last))
                    : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static RegistryException unsatisfiable(String header, long size) {
        return new RegistryException(ErrorCode.RANGE_INVALID, "range '" + header + "' is outside the blob of " + size
                + " bytes").withHeader("Content-Range", "bytes */" + size);
    }
}
