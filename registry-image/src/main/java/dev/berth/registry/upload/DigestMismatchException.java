package dev.berth.registry.upload;

import dev.berth.registry.oci.Digest;

/** The uploaded bytes do not hash to the digest the client named; nothing was stored. */
public class DigestMismatchException extends Exception {
    public DigestMismatchException(Digest expected, Digest actual) {
        super("uploaded content has digest " + actual + ", not " + expected);
    }
}
