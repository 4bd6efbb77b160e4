package dev.berth.registry.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.external.LibtrustKeyId;
import dev.berth.registry.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs registry tokens as a token server does (the Docker token format: {@code iss}, {@code aud},
 * {@code exp}, {@code access}), with a key and certificate chain made by {@link Pki}. The header
 * names the key by its {@code x5c} chain or by its libtrust {@code kid}.
 */
public final class TokenMinter {

    /** How the header names the signing key. */
    public enum KeyReference { X5C, KID }

    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final String issuer;
    private final String service;

    /** @param chain the signer's certificate first, then any intermediates */
    public TokenMinter(Path key, List<Path> chain, String issuer, String service) throws IOException {
        this.key = PemFiles.privateKey(key);
        this.chain = new ArrayList<>();
        for (Path file : chain) {
            this.chain.addAll(PemFiles.certificates(file));
        }
        this.issuer = issuer;
        this.service = service;
    }

    /** A token valid for five minutes granting {@code actions} on each {@code type:name} of {@code access}. */
    public String token(Map<String, List<String>> access) {
        return token("alice", access);
    }

    /** As {@link #token(Map)}, for {@code subject}. */
    public String token(String subject, Map<String, List<String>> access) {
        return sign(KeyReference.X5C, claims(issuer, service, Duration.ofMinutes(5), access).subject(subject).build());
    }

    /** Claims as a token server writes them, to be changed by a test before {@link #sign}. */
    public static JWTClaimsSet.Builder claims(String issuer, String audience, Duration lifetime,
            Map<String, List<String>> access) {
        Instant now = Instant.now();
        List<Map<String, Object>> entries = new ArrayList<>();
        access.forEach((resource, actions) -> {
            int colon = resource.indexOf(':');
            entries.add(Map.of("type", resource.substring(0, colon), "name", resource.substring(colon + 1),
                    "actions", actions));
        });
        return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("alice")
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString())
                .claim("access", entries);
    }

    public String sign(KeyReference reference, JWTClaimsSet claims) {
        boolean ec = key.getAlgorithm().equals("EC");
        JWSHeader.Builder header = new JWSHeader.Builder(ec ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256);
        if (reference == KeyReference.X5C) {
            List<Base64> x5c = new ArrayList<>();
            for (X509Certificate certificate : chain) {
                try {
                    x5c.add(Base64.encode(certificate.getEncoded()));
                } catch (CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
            }
            header.x509CertChain(x5c);
        } else {
            header.keyID(LibtrustKeyId.of(chain.get(0).getPublicKey()));
        }
        try {
            JWSSigner signer = ec ? new ECDSASigner((java.security.interfaces.ECPrivateKey) key) : new RSASSASigner(key);
            SignedJWT jwt = new SignedJWT(header.build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
