package dev.berth.registry.storage;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Small metadata objects (links, tags, referrers entries) at paths named by {@link StoragePaths},
 * each replaced atomically. Part of {@link Storage}; {@code MetadataStoreContract} in the tests
 * says what a backend must do.
 */
public interface MetadataStore {

    /** The object's bytes, or empty if there is none. */
    Optional<byte[]> read(String path) throws IOException;

    /** Creates or replaces the object; readers see the old or the new bytes, never a part. */
    void write(String path, byte[] content) throws IOException;

    /** Removes the object; true if it existed. */
    boolean delete(String path) throws IOException;

    /** Removes every object below {@code directory}. */
    void deleteDirectory(String directory) throws IOException;

    /** Names of the direct children (objects and sub-directories) of {@code directory}, sorted; empty if none. */
    List<String> list(String directory) throws IOException;
}
