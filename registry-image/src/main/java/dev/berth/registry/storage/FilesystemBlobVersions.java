package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Garbage collection's side of {@link FilesystemStorage}: a blob's version is its data file's
 * modification time, a refresh sets it to now, and a conditional delete first renames the file
 * out of the way (atomic), then looks at the time of what it moved: a refresh that came before
 * the rename shows there, and the file is put back; one that comes after finds no file.
 */
final class FilesystemBlobVersions {

    /** Prefix of a blob file being deleted; a collector that dies here leaves it for the next one. */
    static final String GRAVE_PREFIX = "gc-";

    private final Path blobs;

    FilesystemBlobVersions(Path root) {
        this.blobs = root.resolve("blobs");
    }

    /** {@code <root>/blobs/<alg>/<hex[0:2]>/<hex>/data}. */
    Path dataPath(Digest digest) {
        String hex = digest.hex();
        return blobs.resolve(digest.algorithm().id()).resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    boolean refresh(Digest digest, Instant refreshIfBefore) throws IOException {
        Path data = dataPath(digest);
        try {
            if (Files.getLastModifiedTime(data).toInstant().isBefore(refreshIfBefore)) {
                Files.setLastModifiedTime(data, FileTime.from(Instant.now()));
            }
            return true;
        } catch (NoSuchFileException e) {
            return false; // never there, or a collection moved it away first
        }
    }

    void list(BlobListing listing) throws IOException {
        for (Path algorithm : children(blobs)) {
            for (Path prefix : children(algorithm)) {
                for (Path blob : children(prefix)) {
                    Optional<Digest> digest = Digest.parse(algorithm.getFileName() + ":" + blob.getFileName());
                    if (digest.isEmpty()) {
                        continue;
                    }
                    try {
                        listing.blob(digest.get(), Files.getLastModifiedTime(blob.resolve("data")).toInstant());
                    } catch (NoSuchFileException e) {
                        // deleted meanwhile, or only a folder left behind
                    }
                }
            }
        }
    }

    Optional<BlobVersion> version(Digest digest) throws IOException {
        Path data = dataPath(digest);
        try {
            BasicFileAttributes attributes = Files.readAttributes(data, BasicFileAttributes.class);
            Instant modified = attributes.lastModifiedTime().toInstant();
            return Optional.of(new BlobVersion(digest, attributes.size(), modified, data.toString(),
                    modified.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    boolean deleteIfUnchanged(BlobVersion version) throws IOException {
        Path data = dataPath(version.digest());
        Path grave = data.resolveSibling(GRAVE_PREFIX + UUID.randomUUID());
        try {
            Files.move(data, grave, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!Files.getLastModifiedTime(grave).toInstant().toString().equals(version.tag())) {
            // Refreshed or committed again after the version was read: put it back. A commit
            // that placed the same digest there meanwhile holds the same bytes, so replacing it is harmless.
            Files.move(grave, data, StandardCopyOption.ATOMIC_MOVE);
            return false;
        }
        Files.delete(grave);
        return true;
    }

    private static java.util.List<Path> children(Path directory) throws IOException {
        java.util.List<Path> children = new java.util.ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                if (Files.isDirectory(entry)) {
                    children.add(entry);
                }
            }
        } catch (NoSuchFileException e) {
            return children;
        }
        return children;
    }
}
