package dev.berth.registry.auth.external;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;

/**
 * The key ID registry:2 gives a public key (the libtrust format), which a token's JWS header
 * names in {@code kid}: the SHA-256 of the key's DER SubjectPublicKeyInfo, its first 240 bits in
 * base32 (48 characters, no padding), written as 12 groups of 4 joined by ':'.
 */
public final class LibtrustKeyId {

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int BYTES = 30; // 240 bits: 48 base32 characters, no padding needed

    private LibtrustKeyId() {}

    public static String of(PublicKey key) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        String encoded = base32(hash, BYTES);
        StringBuilder id = new StringBuilder(59);
        for (int i = 0; i < encoded.length(); i += 4) {
            if (i > 0) {
                id.append(':');
            }
            id.append(encoded, i, i + 4);
        }
        return id.toString();
    }

    /** RFC 4648 base32 of the first {@code length} bytes; {@code length} a multiple of 5, so no padding. */
    private static String base32(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            buffer = (buffer << 8) | (bytes[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }
}
