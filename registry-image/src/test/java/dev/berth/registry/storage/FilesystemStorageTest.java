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
    void leftoverTemporaryFilesOfACrashedWriteAreNotListed() throws Exception {
        storage.write("dir/real", bytes("1"));
        Files.writeString(root.resolve("dir/.tmp-crashed"), "half");
        assertEquals(List.of("real"), storage.list("dir"));
    }
}
