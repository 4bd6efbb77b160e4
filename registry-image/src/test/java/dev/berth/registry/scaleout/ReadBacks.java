package dev.berth.registry.scaleout;

import dev.berth.registry.testing.RegistryProcess;

/**
 * How often a registry process read an upload back from S3 to hash it, by its log. A test that
 * expects none is only as good as this wording: {@code TwoInstanceTest} forces a read-back
 * (a sha512 commit) and requires it to be counted, so a reworded message fails there instead of
 * letting "none" pass by default.
 */
final class ReadBacks {

    private ReadBacks() {}

    static long of(RegistryProcess registry, String uploadId) {
        String line = "upload " + uploadId + " read back for hashing";
        return registry.log().lines().filter(l -> l.contains(line)).count();
    }

    /** The upload id in a Location {@code /v2/<name>/blobs/uploads/<id>?_state=…}. */
    static String uploadId(String location) {
        return location.replaceAll("^.*/blobs/uploads/([^?/]+).*$", "$1");
    }
}
