package dev.berth.registry.auth.external;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys an external token server may sign with ({@code auth.token}): the certificates of
 * {@code rootcertbundle}, to which a token's {@code x5c} chain must lead, and by key ID the
 * bundle certificates' own keys (registry:2's libtrust IDs) and the keys of {@code jwks}.
 */
public final class TrustedTokenKeys {

    private final List<X509Certificate> roots;
    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final Map<String, PublicKey> byKeyId = new HashMap<>();

    private TrustedTokenKeys(List<X509Certificate> roots, Map<String, PublicKey> jwks) {
        this.roots = List.copyOf(roots);
        for (X509Certificate root : roots) {
            anchors.add(new TrustAnchor(root, null));
            byKeyId.put(LibtrustKeyId.of(root.getPublicKey()), root.getPublicKey());
        }
        byKeyId.putAll(jwks);
    }

    /**
     * @throws IOException naming the file that cannot be read or holds no usable key
     */
    public static TrustedTokenKeys load(Optional<Path> rootCertBundle, Optional<Path> jwks) throws IOException {
        List<X509Certificate> roots = rootCertBundle.isPresent() ? certificates(rootCertBundle.get()) : List.of();
        Map<String, PublicKey> keys = jwks.isPresent() ? jwks(jwks.get()) : Map.of();
        return new TrustedTokenKeys(roots, keys);
    }

    /** The key with this {@code kid}, if the bundle or the JWKS holds it. */
    public Optional<PublicKey> byKeyId(String kid) {
        return Optional.ofNullable(byKeyId.get(kid));
    }

    /**
     * The key of {@code chain}'s first certificate, when the chain leads to a bundle certificate
     * (or that certificate is itself in the bundle) and every certificate is valid at {@code now}.
     */
    public PublicKey signerOf(List<X509Certificate> chain, Instant now) throws InvalidToken {
        if (chain.isEmpty()) {
            throw new InvalidToken("the x5c header holds no certificate");
        }
        // A chain may end in (or be) a bundle certificate: validate only what comes before it.
        int end = chain.size();
        for (int i = 0; i < chain.size(); i++) {
            if (inBundle(chain.get(i))) {
                end = i;
                break;
            }
        }
        try {
            if (end == 0) {
                chain.get(0).checkValidity(Date.from(now));
            } else {
                PKIXParameters parameters = new PKIXParameters(anchors);
                parameters.setRevocationEnabled(false); // registry:2 checks no revocation either
                parameters.setDate(Date.from(now));
                CertPathValidator.getInstance("PKIX").validate(
                        CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, end)), parameters);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidToken("the signing certificate does not chain to auth.token.rootcertbundle", e);
        }
        return chain.get(0).getPublicKey();
    }

    private boolean inBundle(X509Certificate certificate) {
        try {
            for (X509Certificate root : roots) {
                if (Arrays.equals(root.getEncoded(), certificate.getEncoded())) {
                    return true;
                }
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        return false;
    }

    boolean isEmpty() {
        return byKeyId.isEmpty();
    }

    private static List<X509Certificate> certificates(Path bundle) throws IOException {
        try (InputStream in = Files.newInputStream(bundle)) {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in)
                    .stream().map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new IOException(bundle + ": holds no PEM certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IOException(bundle + ": not a bundle of PEM certificates: " + e.getMessage(), e);
        }
    }

    private static Map<String, PublicKey> jwks(Path file) throws IOException {
        try {
            Map<String, PublicKey> keys = new HashMap<>();
            for (JWK jwk : JWKSet.load(file.toFile()).getKeys()) {
                // RSA and EC only: the algorithms tokens are accepted with (see ExternalTokens).
                if (jwk instanceof RSAKey || jwk instanceof ECKey) {
                    PublicKey key = ((AsymmetricJWK) jwk).toPublicKey();
                    keys.put(jwk.getKeyID() != null ? jwk.getKeyID() : LibtrustKeyId.of(key), key);
                }
            }
            if (keys.isEmpty()) {
                throw new IOException(file + ": holds no RSA or EC public key");
            }
            return keys;
        } catch (ParseException | JOSEException e) {
            throw new IOException(file + ": not a JSON Web Key Set: " + e.getMessage(), e);
        }
    }
}
