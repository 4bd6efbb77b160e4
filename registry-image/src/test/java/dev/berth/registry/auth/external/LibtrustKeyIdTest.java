package dev.berth.registry.auth.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.testing.Command;
import dev.berth.registry.testing.Pki;
import dev.berth.registry.tls.PemFiles;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libtrust key ID against the same definition computed by other tools: openssl writes the
 * key's DER SubjectPublicKeyInfo and its SHA-256, coreutils' base32 encodes the first 30 bytes.
 */
class LibtrustKeyIdTest {

    @TempDir
    Path dir;

    @Test
    void rsaAndEcKeysGetTheIdOpensslAndBase32Compute() throws Exception {
        Pki pki = new Pki(dir);
        for (Pki.KeyType type : Pki.KeyType.values()) {
            Pki.Pair ca = pki.ca("ca-" + type, type);
            PublicKey key = PemFiles.certificates(ca.certificate()).get(0).getPublicKey();
            String id = LibtrustKeyId.of(key);
            assertEquals(expected(ca.certificate()), id, type.name());
            assertTrue(id.matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}"), id);
        }
    }

    @Test
    void differentKeysGetDifferentIds() throws Exception {
        Pki pki = new Pki(dir);
        PublicKey one = PemFiles.certificates(pki.ca("one", Pki.KeyType.EC).certificate()).get(0).getPublicKey();
        PublicKey two = PemFiles.certificates(pki.ca("two", Pki.KeyType.EC).certificate()).get(0).getPublicKey();
        assertNotEquals(LibtrustKeyId.of(one), LibtrustKeyId.of(two));
    }

    private static String expected(Path certificate) throws Exception {
        String script = "openssl x509 -in '" + certificate + "' -pubkey -noout | openssl pkey -pubin -outform DER"
                + " | openssl dgst -sha256 -binary | head -c 30 | base32 -w0";
        String base32 = Command.ok(List.of("sh", "-c", script), 60).trim();
        assertEquals(48, base32.length(), base32);
        return String.join(":", base32.split("(?<=\\G.{4})"));
    }
}
