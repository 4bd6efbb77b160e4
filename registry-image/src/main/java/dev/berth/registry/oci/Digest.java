package dev.berth.registry.oci;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:4a5b…}: the only identity a blob or manifest has. */
public record Digest(DigestAlgorithm algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        if (hex.length() != algorithm.hexLength() || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("invalid " + algorithm.id() + " hex: " + hex);
        }
    }

    /** Parses {@code algorithm:hex}; empty when the text is not a supported, well-formed digest. */
    public static Optional<Digest> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.byId(text.substring(0, colon));
        String hex = text.substring(colon + 1);
        if (algorithm.isEmpty() || hex.length() != algorithm.get().hexLength() || !HEX.matcher(hex).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Digest(algorithm.get(), hex));
    }

    public static Digest of(DigestAlgorithm algorithm, byte[] hash) {
        return new Digest(algorithm, HexFormat.of().formatHex(hash));
    }

    /** Digest of a small in-memory payload such as a manifest. */
    public static Digest compute(DigestAlgorithm algorithm, byte[] content) {
        return of(algorithm, algorithm.newMessageDigest().digest(content));
    }

    @Override
    public String toString() {
        return algorithm.id() + ":" + hex;
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }
}
