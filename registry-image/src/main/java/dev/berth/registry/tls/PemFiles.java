package dev.berth.registry.tls;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PEM files registry:2 takes for TLS: a certificate chain, and an unencrypted private key
 * in PKCS#8 ({@code PRIVATE KEY}) or OpenSSL's traditional forms ({@code RSA PRIVATE KEY},
 * {@code EC PRIVATE KEY}). Other blocks in a key file ({@code EC PARAMETERS}) are skipped.
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final long MAX_FILE = 1 << 20;

    private PemFiles() {}

    /** @throws IOException when the file holds no certificate or a damaged one */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        checkSize(file);
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new IOException(file + ": holds no PEM certificate");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": not PEM certificates: " + e.getMessage(), e);
        }
    }

    /** @throws IOException when the file holds no unencrypted RSA or EC private key */
    public static PrivateKey privateKey(Path file) throws IOException {
        checkSize(file);
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IOException(file + ": the private key is encrypted; give it unencrypted"
                    + " (openssl pkey -in KEY -out PLAIN)");
        }
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String label = block.group(1);
            if (!label.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": the " + label + " block is not base64");
            }
            try {
                return switch (label) {
                    case "PRIVATE KEY" -> pkcs8(der);
                    case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(rsa(der));
                    case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(ec(der));
                    default -> throw new IOException("a " + label + " is not supported; use an RSA or EC key");
                };
            } catch (IOException | GeneralSecurityException e) {
                throw new IOException(file + ": cannot read the " + label + ": " + e.getMessage(), e);
            }
        }
        throw new IOException(file + ": holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not an RSA or EC key in PKCS#8", last);
    }

    /** PKCS#1 RSAPrivateKey: version, n, e, d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p. */
    private static KeySpec rsa(byte[] der) throws IOException {
        Der key = new Der(der).sequence();
        key.integer(); // version
        BigInteger[] values = new BigInteger[8];
        for (int i = 0; i < values.length; i++) {
            values[i] = key.integer();
        }
        return new RSAPrivateCrtKeySpec(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                values[7]);
    }

    /** SEC 1 ECPrivateKey: version, the private value, [0] the named curve's OID (OpenSSL always writes it). */
    private static KeySpec ec(byte[] der) throws IOException, GeneralSecurityException {
        Der key = new Der(der).sequence();
        key.integer(); // version 1
        BigInteger secret = new BigInteger(1, key.octetString());
        if (key.peekTag() != 0xa0) {
            throw new IOException("the key does not name its curve");
        }
        String curve = key.explicit(0).oid();
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(curve));
        return new ECPrivateKeySpec(secret, parameters.getParameterSpec(ECParameterSpec.class));
    }

    private static void checkSize(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE) {
            throw new IOException(file + ": larger than " + MAX_FILE + " bytes, not a PEM file");
        }
    }
}
