package dev.berth.registry.http;

import dev.berth.registry.config.TlsSettings;
import dev.berth.registry.tls.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The connector's protocols: plain HTTP/1.1, or with {@code http.tls} TLS in front of it (no
 * ALPN, so HTTP/1.1 only), from the PEM certificate chain and key registry:2 takes, and with
 * {@code clientcas} a client certificate signed by one of those CAs.
 */
final class TlsConnector {

    /** The in-memory key store's password: the key never leaves the process, so it guards nothing. */
    private static final char[] STORE_PASSWORD = "berth".toCharArray();

    private TlsConnector() {}

    /** The connection factories, outermost first, for {@code new ServerConnector(server, ...)}. */
    static ConnectionFactory[] factories(Optional<TlsSettings> tls, HttpConnectionFactory http) {
        if (tls.isEmpty()) {
            return new ConnectionFactory[] {http};
        }
        return new ConnectionFactory[] {new SslConnectionFactory(sslContext(tls.get()), http.getProtocol()), http};
    }

    static SslContextFactory.Server sslContext(TlsSettings tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        try {
            ssl.setKeyStore(keyStore(PemFiles.certificates(tls.certificate()), PemFiles.privateKey(tls.key())));
            ssl.setKeyStorePassword(new String(STORE_PASSWORD));
            if (!tls.clientCas().isEmpty()) {
                ssl.setTrustStore(trustStore(tls.clientCas()));
                if (tls.clientCertificateRequired()) {
                    ssl.setNeedClientAuth(true);
                } else {
                    ssl.setWantClientAuth(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("http.tls: cannot build the key store: " + e.getMessage(), e);
        }
        ssl.setIncludeProtocols(tls.minimumTls().equals("tls1.3")
                ? new String[] {"TLSv1.3"}
                : new String[] {"TLSv1.3", "TLSv1.2"});
        return ssl;
    }

    private static KeyStore keyStore(List<X509Certificate> chain, PrivateKey key) throws GeneralSecurityException,
            IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("berth", key, STORE_PASSWORD, chain.toArray(Certificate[]::new));
        return store;
    }

    private static KeyStore trustStore(List<Path> files) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (Path file : files) {
            for (X509Certificate ca : PemFiles.certificates(file)) {
                store.setCertificateEntry("ca-" + n++, ca);
            }
        }
        return store;
    }
}
