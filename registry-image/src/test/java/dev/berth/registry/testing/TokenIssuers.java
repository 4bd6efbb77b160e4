package dev.berth.registry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The keys an external token server test needs, made by {@link Pki}: a CA whose EC leaf signs
 * tokens with its chain in {@code x5c}, a self-signed key trusted only by its {@code kid}, and a
 * stranger chained to a CA the registry does not trust. {@link #bundle()} is the registry's
 * {@code rootcertbundle}: the CA and the kid key's certificate.
 */
public record TokenIssuers(Path bundle, Pki.Pair signerPair, TokenMinter signer, TokenMinter leafOnly,
        TokenMinter kidSigner, TokenMinter stranger) {

    /** Key types vary by test so that both RSA and EC keys are exercised for kid and x5c. */
    public static TokenIssuers create(Path dir, String issuer, String service, Pki.KeyType kidType,
            Pki.KeyType strangerType) throws IOException, InterruptedException {
        Pki pki = new Pki(dir);
        Pki.Pair ca = pki.ca("token-ca", Pki.KeyType.RSA);
        Pki.Pair signerPair = pki.issue("token-signer", Pki.KeyType.EC, ca, "keyUsage=digitalSignature");
        Pki.Pair kid = pki.ca("kid-signer", kidType); // its own certificate, put in the bundle
        Pki.Pair otherCa = pki.ca("other-ca", Pki.KeyType.RSA);
        Pki.Pair strangerPair = pki.issue("stranger", strangerType, otherCa, "keyUsage=digitalSignature");
        Path bundle = Files.writeString(dir.resolve("bundle.pem"),
                Files.readString(ca.certificate()) + Files.readString(kid.certificate()));
        return new TokenIssuers(bundle, signerPair,
                new TokenMinter(signerPair.key(), List.of(signerPair.certificate(), ca.certificate()), issuer, service),
                new TokenMinter(signerPair.key(), List.of(signerPair.certificate()), issuer, service),
                new TokenMinter(kid.key(), List.of(kid.certificate()), issuer, service),
                new TokenMinter(strangerPair.key(), List.of(strangerPair.certificate(), otherCa.certificate()),
                        issuer, service));
    }
}
