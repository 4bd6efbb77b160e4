package dev.berth.registry.oci;

/** A manifest body that is not a well-formed manifest of a supported type. */
public class InvalidManifestException extends Exception {
    public InvalidManifestException(String message) {
        super(message);
    }
}
