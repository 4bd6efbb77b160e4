package dev.berth.registry.upload;

import static dev.berth.registry.upload.FailingStorage.failing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.DigestAlgorithm;
import dev.berth.registry.oci.ResumableDigest;
import dev.berth.registry.storage.FilesystemStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoreCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads carry their hash state with their bytes, and fall back to reading them back. */
class UploadsTest {

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
    void theHashStateTravelsWithTheUploadSoItsBytesAreNeverReadBack() throws Exception {
        Storage refusingReadBack = failing(storage, (method, args) -> method.equals("readUpload"),
                () -> new AssertionError("the upload's bytes were read back"));
        Uploads noReadBack = new Uploads(refusingReadBack, new RepositoryBlobs(storage, new Catalog(storage)),
                Clock.systemUTC());
        UploadRecord started = noReadBack.start("team/app");
        noReadBack.append(noReadBack.find("team/app", started.id()), stream("first "));
        UploadRecord found = noReadBack.find("team/app", started.id());
        assertTrue(found.hashState().isPresent());

        Digest digest = Digest.compute(DigestAlgorithm.SHA256, bytes("first second"));
        noReadBack.complete(found, digest, stream("second"));
        assertArrayEquals(bytes("first second"), storage.readBlob(digest, 0, 12).readAllBytes());
    }

    @Test
    void bytesAppendedWithoutAHashStateAreReadBackAndVerified() throws Exception {
        UploadRecord started = uploads.start("team/app");
        // As when the client asks for another algorithm, or an append could not hash.
        StoreCalls.appendUpload(storage, started.id(), started.progress(), stream("real"));
        UploadRecord found = uploads.find("team/app", started.id());
        assertTrue(found.hashState().isEmpty(), "no hash state is of these bytes");

        Digest claimed = Digest.compute(DigestAlgorithm.SHA256, bytes("fake"));
        assertThrows(DigestMismatchException.class, () -> uploads.complete(found, claimed, InputStream.nullInputStream()));
        assertTrue(StoreCalls.blobSize(storage, claimed).isEmpty(), "nothing is stored under a digest the data does not have");

        UploadRecord again = uploads.start("team/app");
        StoreCalls.appendUpload(storage, again.id(), again.progress(), stream("real"));
        Digest real = Digest.compute(DigestAlgorithm.SHA256, bytes("real!"));
        uploads.complete(uploads.find("team/app", again.id()), real, stream("!"));
        assertArrayEquals(bytes("real!"), storage.readBlob(real, 0, 5).readAllBytes());
    }

    @Test
    void aSavedHashStateOfAnotherNumberOfBytesIsNotTrusted() throws Exception {
        UploadRecord started = uploads.start("team/app");
        ResumableDigest ofTwo = ResumableDigest.create(DigestAlgorithm.SHA256);
        ofTwo.update(bytes("ab"), 0, 2);
        storage.appendUpload(started.id(), started.progress(), stream("abc"), ofTwo::saveState);
        assertTrue(uploads.find("team/app", started.id()).hashState().isEmpty());

        Digest real = Digest.compute(DigestAlgorithm.SHA256, bytes("abc"));
        uploads.complete(uploads.find("team/app", started.id()), real, InputStream.nullInputStream());
        assertArrayEquals(bytes("abc"), storage.readBlob(real, 0, 3).readAllBytes());
    }

    @Test
    void anUploadOfAnotherRepositoryIsUnknown() throws Exception {
        UploadRecord started = uploads.start("team/app");
        assertThrows(UploadUnknownException.class, () -> uploads.find("team/other", started.id()));
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
