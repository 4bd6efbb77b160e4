package dev.berth.registry.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.storage.FilesystemStorage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.testing.Blobs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manifest the mark cannot read would make its blobs look unreferenced: then nothing is deleted. */
class IncompleteMarkTest {

    @TempDir
    Path root;

    @Test
    void anUnreadableManifestStopsTheCollectionBeforeItDeletesAnything() throws IOException {
        FilesystemStorage storage = new FilesystemStorage(root);
        byte[] garbage = Blobs.random(100);
        Digest garbageDigest = Digest.compute(DigestAlgorithm.SHA256, garbage);
        storage.writeBlob(garbageDigest, garbage);
        byte[] unreadable = Blobs.utf8("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"");
        Digest manifest = Digest.compute(DigestAlgorithm.SHA256, unreadable);
        storage.writeBlob(manifest, unreadable);
        String revision = StoragePaths.manifestRevision("broken/app", manifest);
        storage.write(revision, Blobs.utf8("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":"
                + unreadable.length + "}"));
        storage.write(StoragePaths.catalogEntry("broken/app"), new byte[0]);
        // Three days from now, everything stored is older than the grace.
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(3));
        GcOptions options = new GcOptions(false, false, GcOptions.DEFAULT_GRACE, Optional.empty());

        IOException failure = assertThrows(IOException.class, () -> new GarbageCollector(storage, options, later).run());

        assertTrue(failure.getMessage().contains("1 manifest(s) could not be read"), failure.getMessage());
        assertTrue(storage.blobVersion(garbageDigest).isPresent(), "deleted although the mark was incomplete");

        storage.delete(revision); // without the unreadable manifest the same collection frees both blobs
        GcReport report = new GarbageCollector(storage, options, later).run();
        assertEquals(2, report.blobsFreed(), report::toString);
        assertEquals(Optional.empty(), storage.blobVersion(garbageDigest));
    }
}
