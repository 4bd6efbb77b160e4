package dev.berth.registry.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** File operations a process killed at any moment leaves whole or not at all (or, for removals, partly done and redoable). */
final class AtomicFiles {

    /** Temporary files of writeAtomically start so; listings skip them, the leftover sweep removes old ones. */
    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {}

    /**
     * Writes a temporary file beside {@code target} (whose folder must exist), then renames it
     * over it. A failed write (a full disk) removes its part at once.
     */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        try {
            Files.write(temp, content);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            throw e;
        }
        moveIntoPlace(temp, target);
    }

    /** Removes a file or folder a failed write leaves; a failure to do so is noted on the write's. */
    static void deleteQuietly(Path path, Exception failure) {
        try {
            deleteTree(path);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(top)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (NoSuchFileException e) {
            // removed concurrently
        }
    }
}
