package dev.berth.registry.upload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.storage.FilesystemStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved hash state is trusted only for exactly the data it was computed over. */
class UploadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    private Storage storage;
    private Uploads uploads;

    @BeforeEach
    void open() throws Exception {
        storage = new FilesystemStorage(folder);
        uploads = new Uploads(storage, new RepositoryBlobs(storage, new Catalog(storage)), Clock.systemUTC());
    }

    @Test
    void aRecordSavedForAnotherVersionOfTheDataIsNotTrusted() throws Exception {
        UploadRecord started = uploads.start("team/app");
        uploads.append(started, stream("real"));
        // What a racing process leaves behind: a record of the same size whose hash state is of
        // other bytes, saved for a version the data no longer has.
        UploadRecord racer = uploads.start("team/app");
        UploadRecord other = uploads.append(racer, stream("fake"));
        ObjectNode record = (ObjectNode) JSON.readTree(storage.read(StoragePaths.uploadRecord(other.id())).orElseThrow());
        record.put("version", "from-another-append");
        storage.write(StoragePaths.uploadRecord(started.id()), JSON.writeValueAsBytes(record));

        UploadRecord found = uploads.find("team/app", started.id());
        assertEquals(4, found.size());
        assertTrue(found.hashState().isEmpty(), "the hash state of another version must not be used");

        Digest claimed = Digest.compute(DigestAlgorithm.SHA256, bytes("fake"));
        assertThrows(DigestMismatchException.class, () -> uploads.complete(found, claimed, InputStream.nullInputStream()));
        assertTrue(storage.blobSize(claimed).isEmpty(), "nothing is stored under a digest the data does not have");
    }

    @Test
    void aRecordForAnotherVersionStillCompletesWithTheRealDigest() throws Exception {
        UploadRecord started = uploads.start("team/app");
        uploads.append(started, stream("real"));
        ObjectNode record = (ObjectNode) JSON.readTree(storage.read(StoragePaths.uploadRecord(started.id())).orElseThrow());
        record.put("version", "from-another-append");
        storage.write(StoragePaths.uploadRecord(started.id()), JSON.writeValueAsBytes(record));

        Digest real = Digest.compute(DigestAlgorithm.SHA256, bytes("real!"));
        uploads.complete(uploads.find("team/app", started.id()), real, stream("!"));
        assertArrayEquals(bytes("real!"), storage.readBlob(real, 0, 5).readAllBytes());
    }

    @Test
    void anUploadWithoutARecordIsPurgedOnlyWhenTheNextRunStillFindsItSo() throws Exception {
        // A crash between creating an upload and saving its record leaves one; an upload being
        // started right now looks the same for a moment and must survive.
        storage.createUpload("11111111-2222-3333-4444-555555555555");
        assertEquals(0, uploads.purgeOlderThan(java.time.Duration.ofDays(7)));
        assertEquals(0, storage.uploadSize("11111111-2222-3333-4444-555555555555"));
        assertEquals(1, uploads.purgeOlderThan(java.time.Duration.ofDays(7)));
        assertThrows(dev.berth.registry.storage.NotFoundException.class,
                () -> storage.uploadSize("11111111-2222-3333-4444-555555555555"));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
