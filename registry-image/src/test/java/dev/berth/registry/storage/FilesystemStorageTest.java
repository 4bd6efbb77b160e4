package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemStorageTest extends StorageContract {

    @TempDir
    Path root;

    @Override
    protected Storage newStorage() throws Exception {
        return new FilesystemStorage(root);
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
}
