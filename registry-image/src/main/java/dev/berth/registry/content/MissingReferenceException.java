package dev.berth.registry.content;

import dev.berth.registry.oci.Digest;

/** A manifest names a blob or child manifest the repository does not have. */
public class MissingReferenceException extends Exception {
    private final Digest digest;

    public MissingReferenceException(Digest digest, boolean manifest) {
        super((manifest ? "manifest " : "blob ") + digest + " is referenced but not in the repository");
        this.digest = digest;
    }

    public Digest digest() {
        return digest;
    }
}
