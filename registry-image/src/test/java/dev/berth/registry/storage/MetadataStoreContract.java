package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every backend's {@link MetadataStore} must do: small objects, replaced atomically, listed and removed. */
public abstract class MetadataStoreContract extends StorageFixture {

    @Test
    void readOfAMissingObjectIsEmpty() throws IOException {
        assertTrue(storage.read("repositories/none/_layers/sha256/abc").isEmpty());
    }

    @Test
    void writeThenReadGivesTheBytesAndWriteReplacesThem() throws IOException {
        storage.write("a/b/c", bytes("one"));
        assertArrayEquals(bytes("one"), storage.read("a/b/c").orElseThrow());
        storage.write("a/b/c", bytes("two"));
        assertArrayEquals(bytes("two"), storage.read("a/b/c").orElseThrow());
    }

    @Test
    void emptyObjectsExist() throws IOException {
        storage.write("markers/x", new byte[0]);
        assertEquals(0, storage.read("markers/x").orElseThrow().length);
    }

    @Test
    void listGivesDirectChildrenSortedAndEmptyForAMissingFolder() throws IOException {
        storage.write("dir/b", bytes("1"));
        storage.write("dir/a", bytes("1"));
        storage.write("dir/c/deeper", bytes("1"));
        storage.write("dir2/x", bytes("1"));
        assertEquals(List.of("a", "b", "c"), storage.list("dir"));
        assertEquals(List.of(), storage.list("missing"));
    }

    @Test
    void deleteRemovesAnObjectAndSaysWhetherItExisted() throws IOException {
        storage.write("d/x", bytes("1"));
        assertTrue(storage.delete("d/x"));
        assertFalse(storage.delete("d/x"));
        assertTrue(storage.read("d/x").isEmpty());
    }

    @Test
    void deleteDirectoryRemovesEverythingBelowItOnly() throws IOException {
        storage.write("tree/a", bytes("1"));
        storage.write("tree/sub/b", bytes("1"));
        storage.write("treehouse/c", bytes("1"));
        storage.deleteDirectory("tree");
        assertEquals(List.of(), storage.list("tree"));
        assertTrue(storage.read("treehouse/c").isPresent());
        storage.deleteDirectory("never-existed");
    }
}
