package dev.berth.registry.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code http.tls} as registry:2 reads it. The files are read now, so that a missing, damaged or
 * mismatched certificate or key stops the start with the key named, not the first handshake.
 */
final class TlsSection {

    static final String KEY = "http.tls";
    private static final String REQUIRE = "require-and-verify-client-cert";
    private static final String IF_GIVEN = "verify-client-cert-if-given";

    private TlsSection() {}

    static Optional<TlsSettings> read(ConfigTree tree) {
        if (!tree.has(KEY)) {
            return Optional.empty();
        }
        if (!tree.node(KEY).get().isObject()) {
            throw tree.fail(KEY, "must be a section with certificate and key");
        }
        String need = "required when http.tls is configured";
        Path certificate = readable(tree, KEY + ".certificate", tree.required(KEY + ".certificate", need));
        Path key = readable(tree, KEY + ".key", tree.required(KEY + ".key", need));
        List<X509Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = PemFiles.certificates(certificate);
        } catch (IOException e) {
            throw tree.fail(KEY + ".certificate", e.getMessage());
        }
        try {
            privateKey = PemFiles.privateKey(key);
        } catch (IOException e) {
            throw tree.fail(KEY + ".key", e.getMessage());
        }
        if (!matches(privateKey, chain.get(0).getPublicKey())) {
            throw tree.fail(KEY + ".key", "is not the key of the first certificate in " + certificate);
        }
        List<Path> clientCas = clientCas(tree);
        String minimum = tree.string(KEY + ".minimumtls", "tls1.2").trim().toLowerCase(Locale.ROOT);
        if (!minimum.equals("tls1.2") && !minimum.equals("tls1.3")) {
            throw tree.fail(KEY + ".minimumtls", "must be tls1.2 or tls1.3 (the JDK disables older versions), got \""
                    + minimum + "\"");
        }
        String clientAuth = tree.string(KEY + ".clientauth", REQUIRE).trim().toLowerCase(Locale.ROOT);
        if (!clientAuth.equals(REQUIRE) && !clientAuth.equals(IF_GIVEN)) {
            throw tree.fail(KEY + ".clientauth", "must be " + REQUIRE + " or " + IF_GIVEN + ", got \"" + clientAuth + "\"");
        }
        return Optional.of(new TlsSettings(certificate, key, clientCas, minimum, clientAuth.equals(REQUIRE)));
    }

    private static List<Path> clientCas(ConfigTree tree) {
        String key = KEY + ".clientcas";
        Optional<JsonNode> node = tree.node(key);
        List<String> names = new ArrayList<>();
        if (node.isPresent() && node.get().isArray()) {
            node.get().forEach(n -> names.add(n.asText()));
        } else if (node.isPresent() && node.get().isValueNode() && !node.get().asText().isBlank()) {
            names.add(node.get().asText()); // one file, as an environment variable sets it
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String at = key + "[" + i + "]";
            Path file = readable(tree, at, names.get(i));
            try {
                PemFiles.certificates(file);
            } catch (IOException e) {
                throw tree.fail(at, e.getMessage());
            }
            files.add(file);
        }
        return files;
    }

    private static Path readable(ConfigTree tree, String key, String name) {
        Path path = Path.of(name.trim());
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw tree.fail(key, "file not found or not readable: " + path);
        }
        return path;
    }

    /** Whether the key signs what the certificate's key verifies. */
    private static boolean matches(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null || !algorithm.endsWith(certified.getAlgorithm().equals("EC") ? "ECDSA" : "RSA")) {
            return algorithm == null; // an unusual key type: the handshake will tell
        }
        try {
            byte[] probe = "berth tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
