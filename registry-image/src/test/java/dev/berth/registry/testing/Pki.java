package dev.berth.registry.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Certificates and keys made by the real {@code openssl} in a test's folder: a CA, and
 * certificates it signs (for a TLS server on 127.0.0.1, a client, a token signer).
 */
public final class Pki {

    private static final int TIMEOUT = 60;

    /** A key file and its certificate file (PEM). */
    public record Pair(Path key, Path certificate) {}

    /** How a key is generated and written. */
    public enum KeyType {
        /** RSA 2048 in PKCS#8 ({@code PRIVATE KEY}). */
        RSA(List.of("-newkey", "rsa:2048")),
        /** EC P-256 in PKCS#8. */
        EC(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));

        private final List<String> newKey;

        KeyType(List<String> newKey) {
            this.newKey = newKey;
        }
    }

    private final Path dir;

    public Pki(Path dir) {
        this.dir = dir;
        Requirement.requireTools("openssl");
    }

    /** A self-signed CA certificate that can sign others. */
    public Pair ca(String name, KeyType type) throws IOException, InterruptedException {
        Pair ca = new Pair(dir.resolve(name + ".key"), dir.resolve(name + ".crt"));
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2",
                "-subj", "/CN=" + name));
        command.addAll(type.newKey);
        command.addAll(List.of("-keyout", ca.key().toString(), "-out", ca.certificate().toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        Command.ok(command, TIMEOUT);
        return ca;
    }

    /**
     * A certificate signed by {@code ca}.
     *
     * @param extensions openssl extension lines, e.g. {@code subjectAltName=IP:127.0.0.1}
     */
    public Pair issue(String name, KeyType type, Pair ca, String... extensions) throws IOException,
            InterruptedException {
        Pair leaf = new Pair(dir.resolve(name + ".key"), dir.resolve(name + ".crt"));
        Path request = dir.resolve(name + ".csr");
        List<String> command = new ArrayList<>(List.of("openssl", "req", "-new", "-nodes", "-subj", "/CN=" + name));
        command.addAll(type.newKey);
        command.addAll(List.of("-keyout", leaf.key().toString(), "-out", request.toString()));
        Command.ok(command, TIMEOUT);
        Path ext = dir.resolve(name + ".ext");
        String constraints = List.of(extensions).stream().anyMatch(e -> e.startsWith("basicConstraints")) ? ""
                : "basicConstraints=CA:FALSE\n";
        Files.writeString(ext, constraints + String.join("\n", extensions) + "\n");
        Command.ok(List.of("openssl", "x509", "-req", "-in", request.toString(), "-CA", ca.certificate().toString(),
                "-CAkey", ca.key().toString(), "-CAcreateserial", "-days", "1", "-extfile", ext.toString(),
                "-out", leaf.certificate().toString()), TIMEOUT);
        return leaf;
    }

    /** An intermediate CA signed by {@code ca}, which can sign others. */
    public Pair intermediate(String name, KeyType type, Pair ca) throws IOException, InterruptedException {
        return issue(name, type, ca, "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign");
    }

    /** The server certificate for a TLS listener on 127.0.0.1. */
    public Pair server(String name, KeyType type, Pair ca) throws IOException, InterruptedException {
        return issue(name, type, ca, "subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth");
    }

    /** A client certificate for mutual TLS. */
    public Pair client(String name, Pair ca) throws IOException, InterruptedException {
        return issue(name, KeyType.EC, ca, "extendedKeyUsage=clientAuth");
    }

    /** The same key rewritten by openssl in its traditional form ({@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}). */
    public Path traditional(Path key, String name) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        Command.ok(List.of("openssl", "pkey", "-in", key.toString(), "-traditional", "-out", out.toString()), TIMEOUT);
        return out;
    }
}
