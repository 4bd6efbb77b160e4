package dev.berth.registry.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * What a process killed mid-write leaves in a storage folder and no request can use: temporary
 * files of atomic writes, and upload folders without their data or description.
 */
final class CrashLeftovers {

    private final Path root;

    CrashLeftovers(Path root) {
        this.root = root;
    }

    /** Removes the leftovers untouched for {@code olderThan}; returns how many. */
    int remove(Duration olderThan) throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(olderThan));
        int removed = removeOldTemporaryFiles(cutoff);
        try (DirectoryStream<Path> uploads = Files.newDirectoryStream(root.resolve(StoragePaths.UPLOADS))) {
            for (Path upload : uploads) {
                if (isIncompleteUpload(upload) && lastChange(upload).compareTo(cutoff) < 0) {
                    AtomicFiles.deleteTree(upload);
                    removed++;
                }
            }
        } catch (NoSuchFileException e) {
            // no uploads yet
        }
        return removed;
    }

    /** The atomic writes' temporary files anywhere below the root: a live one exists for milliseconds. */
    private int removeOldTemporaryFiles(FileTime cutoff) throws IOException {
        int[] removed = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (file.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)
                        && attrs.lastModifiedTime().compareTo(cutoff) < 0 && Files.deleteIfExists(file)) {
                    removed[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // removed meanwhile (a commit, a cancel)
            }
        });
        return removed[0];
    }

    /**
     * An upload folder without its data or its description: a creation or a removal stopped half
     * way. No request can use it (upload() answers not found); one being created right now is
     * recent, which the caller's age check covers.
     */
    private static boolean isIncompleteUpload(Path upload) {
        return Files.isDirectory(upload)
                && (Files.notExists(upload.resolve("data")) || Files.notExists(upload.resolve(FilesystemStorage.INFO)));
    }

    /** The latest modification of the folder or anything in it. */
    private static FileTime lastChange(Path folder) throws IOException {
        FileTime latest = Files.getLastModifiedTime(folder);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                FileTime modified = Files.getLastModifiedTime(entry);
                if (modified.compareTo(latest) > 0) {
                    latest = modified;
                }
            }
        }
        return latest;
    }
}
