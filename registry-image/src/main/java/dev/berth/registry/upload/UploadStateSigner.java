package dev.berth.registry.upload;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs the upload state put in {@code Location} URLs with the shared {@code http.secret}, so
 * that an upload id can only be continued for the repository it was started in, by any
 * instance that shares the secret.
 */
public final class UploadStateSigner {

    private static final String HMAC = "HmacSHA256";
    private final SecretKeySpec key;

    public UploadStateSigner(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC);
    }

    /** The {@code _state} value for an upload. */
    public String sign(String repository, String uploadId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(repository + "\n" + uploadId));
    }

    public boolean verify(String repository, String uploadId, String state) {
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(state);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, mac(repository + "\n" + uploadId));
    }

    private byte[] mac(String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
