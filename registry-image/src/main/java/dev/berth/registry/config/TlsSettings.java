package dev.berth.registry.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code http.tls}: the registry serves HTTPS itself, as registry:2 does, from a PEM certificate
 * chain and a PEM private key; with {@code clientcas}, clients must show a certificate signed by
 * one of those CAs.
 *
 * @param minimumTls {@code tls1.2} or {@code tls1.3}
 * @param clientCertificateRequired false with registry:2's {@code clientauth: verify-client-cert-if-given}
 */
public record TlsSettings(Path certificate, Path key, List<Path> clientCas, String minimumTls,
        boolean clientCertificateRequired) {

    public TlsSettings {
        clientCas = List.copyOf(clientCas);
    }

    /** A certificate and key, no client certificates, TLS 1.2 and later. */
    public TlsSettings(Path certificate, Path key) {
        this(certificate, key, List.of(), "tls1.2", true);
    }
}
