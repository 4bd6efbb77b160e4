package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemStorageTest extends StorageFixture {

    @TempDir
    Path root;

    @Override
    protected Storage newStorage() throws Exception {
        return new FilesystemStorage(root);
    }

    @Nested
    class MetadataContract extends MetadataStoreContract {
        @Override
        protected Storage newStorage() throws Exception {
            return FilesystemStorageTest.this.newStorage();
        }
    }

    @Nested
    class BlobContract extends BlobStoreContract {
        @Override
        protected Storage newStorage() throws Exception {
            return FilesystemStorageTest.this.newStorage();
        }
    }

    @Nested
    class BlobVersions extends BlobVersionsContract {
        @Override
        protected Storage newStorage() throws Exception {
            return FilesystemStorageTest.this.newStorage();
        }
    }

    @Nested
    class UploadContract extends UploadStoreContract {
        @Override
        protected Storage newStorage() throws Exception {
            return FilesystemStorageTest.this.newStorage();
        }
    }

    @Test
    void pathsThatWouldLeaveTheRootAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> storage.read("../outside"));
        assertThrows(IllegalArgumentException.class, () -> storage.write("a/../../outside", bytes("x")));
    }

    @Test
    void aChunkWhoseUploadIsCancelledMeanwhileDoesNotBringItsFolderBack() throws Exception {
        String id = java.util.UUID.randomUUID().toString();
        UploadProgress empty = storage.createUpload(id, bytes("info"));
        // Another process cancels the upload while this chunk's bytes are being written.
        assertThrows(NotFoundException.class, () -> storage.appendUpload(id, empty,
                new java.io.ByteArrayInputStream(bytes("abc")), () -> {
                    storage.deleteUpload(id);
                    return java.util.Optional.of(bytes("state"));
                }));
        assertEquals(List.of(), storage.list(StoragePaths.UPLOADS));
    }

    @Test
    void leftoverTemporaryFilesOfACrashedWriteAreNotListed() throws Exception {
        storage.write("dir/real", bytes("1"));
        Files.writeString(root.resolve("dir/.tmp-crashed"), "half");
        assertEquals(List.of("real"), storage.list("dir"));
    }

    @Test
    void crashLeftoversUntouchedForTheAgeAreRemovedAndNothingElse() throws Exception {
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(30)));
        storage.write("repositories/a/_manifests/tags/v1", bytes("sha256:1"));
        // As kill -9 leaves them: a 0-byte temporary file of an atomic write, an upload folder
        // killed between its data and its description, one killed while being removed (only
        // the description left), and an empty one.
        Path tempFile = Files.createFile(root.resolve("repositories/a/_manifests/tags/.tmp-crashed"));
        Path withoutInfo = Files.createDirectories(root.resolve("uploads/11111111-1111-1111-1111-111111111111"));
        Files.createFile(withoutInfo.resolve("data"));
        Path withoutData = Files.createDirectories(root.resolve("uploads/22222222-2222-2222-2222-222222222222"));
        Files.writeString(withoutData.resolve("info"), "{}");
        Path empty = Files.createDirectories(root.resolve("uploads/33333333-3333-3333-3333-333333333333"));
        // An old upload that is whole: the upload purge's business (by its age), not this sweep's.
        String live = "44444444-4444-4444-4444-444444444444";
        storage.createUpload(live, bytes("info"));
        List<Path> oldOnes = List.of(tempFile, withoutInfo.resolve("data"), withoutInfo, withoutData.resolve("info"),
                withoutData, empty, root.resolve("uploads/" + live), root.resolve("uploads/" + live + "/data"),
                root.resolve("uploads/" + live + "/info"));
        for (Path p : oldOnes) {
            Files.setLastModifiedTime(p, old);
        }
        // Young ones may be writes in progress: an upload being created has a folder for a moment.
        Path youngTemp = Files.createFile(root.resolve("repositories/a/.tmp-in-progress"));
        Path beingCreated = Files.createDirectories(root.resolve("uploads/55555555-5555-5555-5555-555555555555"));

        assertEquals(4, storage.removeCrashLeftovers(Duration.ofMinutes(10)));

        assertFalse(Files.exists(tempFile));
        assertFalse(Files.exists(withoutInfo));
        assertFalse(Files.exists(withoutData));
        assertFalse(Files.exists(empty));
        assertTrue(Files.exists(youngTemp));
        assertTrue(Files.exists(beingCreated));
        assertEquals(0, StoreCalls.uploadSize(storage, live));
        assertEquals("sha256:1", new String(storage.read("repositories/a/_manifests/tags/v1")
                .orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, storage.removeCrashLeftovers(Duration.ofMinutes(10)), "nothing more on a second run");
    }
}
