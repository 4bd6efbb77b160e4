package dev.berth.registry.http;

import dev.berth.registry.oci.Digest;

/** Digest parsing for handlers: a malformed or unsupported digest is the client's error. */
public final class Digests {

    private Digests() {}

    public static Digest require(String text) {
        return Digest.parse(text).orElseThrow(() -> new RegistryException(ErrorCode.DIGEST_INVALID,
                "'" + text + "' is not a valid digest: expected sha256:<64 hex>, sha384:<96 hex> or"
                + " sha512:<128 hex>, lower case"));
    }
}
