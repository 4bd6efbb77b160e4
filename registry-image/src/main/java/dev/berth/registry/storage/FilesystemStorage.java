package dev.berth.registry.storage;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Storage in a local folder. Every change becomes visible by an atomic rename, so a process
 * killed at any moment leaves either the old or the new object, never a part. (Over 400 lines:
 * one backend's three kinds of data stay together; garbage collection's side is
 * {@link FilesystemBlobVersions}.)
 *
 * <pre>
 * &lt;root&gt;/blobs/&lt;alg&gt;/&lt;hex[0:2]&gt;/&lt;hex&gt;/data     committed blobs
 * &lt;root&gt;/uploads/&lt;id&gt;/data, info, hashstate      upload data, its description, the hash state of its bytes
 * &lt;root&gt;/&lt;metadata path&gt;                           everything else
 * </pre>
 */
public final class FilesystemStorage implements Storage {

    /** Per upload being written; with the hash buffers, what an upload in flight holds (see README, limits). */
    static final int COPY_BUFFER = 256 * 1024;

    private final Path root;
    private final WriteHealth health;
    private final FilesystemBlobVersions versions;

    public FilesystemStorage(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
        this.health = new WriteHealth(this.root);
        this.versions = new FilesystemBlobVersions(this.root);
    }

    public Path root() {
        return root;
    }

    // ---- metadata ----

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(resolve(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void write(String path, byte[] content) throws IOException {
        Path target = resolve(path);
        writing(() -> {
            Files.createDirectories(target.getParent());
            AtomicFiles.writeAtomically(target, content);
            return null;
        });
    }

    @Override
    public boolean delete(String path) throws IOException {
        return Files.deleteIfExists(resolve(path));
    }

    @Override
    public void deleteDirectory(String directory) throws IOException {
        AtomicFiles.deleteTree(resolve(directory));
    }

    @Override
    public List<String> list(String directory) throws IOException {
        Path dir = resolve(directory);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(AtomicFiles.TEMP_PREFIX)) {
                    names.add(name);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    // ---- blobs ----

    @Override
    public Optional<StoredBlob> findBlob(Digest digest) throws IOException {
        Path path = blobPath(digest);
        try {
            return Optional.of(new StoredBlob(digest, Files.size(path), path.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream readBlob(StoredBlob blob, long offset, long length) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(blobPath(blob.digest()), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + blob.digest());
        }
        return new FileRangeInputStream(channel, offset, length);
    }

    @Override
    public void writeBlob(Digest digest, byte[] content) throws IOException {
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            return; // content-addressed: the same bytes are already there
        }
        writing(() -> {
            Files.createDirectories(target.getParent());
            AtomicFiles.writeAtomically(target, content);
            return null;
        });
    }

    @Override
    public boolean deleteBlob(Digest digest) throws IOException {
        Path data = blobPath(digest);
        boolean existed = Files.deleteIfExists(data);
        try {
            Files.deleteIfExists(data.getParent());
        } catch (IOException e) {
            // a concurrent writer put a file beside it; the folder stays
        }
        return existed;
    }

    @Override
    public boolean refreshBlob(Digest digest, Instant refreshIfBefore) throws IOException {
        return versions.refresh(digest, refreshIfBefore);
    }

    @Override
    public void listBlobs(BlobListing listing) throws IOException {
        versions.list(listing);
    }

    @Override
    public Optional<BlobVersion> blobVersion(Digest digest) throws IOException {
        return versions.version(digest);
    }

    @Override
    public boolean deleteBlobIfUnchanged(BlobVersion version) throws IOException {
        return versions.deleteIfUnchanged(version);
    }

    // ---- uploads ----

    /** Beside an upload's data: the caller's description of it, and the hash state of its bytes. */
    static final String INFO = "info";
    private static final String HASH_STATE = "hashstate";

    @Override
    public UploadProgress createUpload(String uploadId, byte[] info) throws IOException {
        Path data = uploadData(uploadId);
        try {
            Files.createDirectories(data.getParent());
            Files.createFile(data);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("upload id collision: " + uploadId, e);
        } catch (IOException e) {
            throw health.classify(e);
        }
        try {
            writing(() -> {
                writeIntoUpload(uploadId, INFO, info);
                return null;
            });
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(data.getParent(), e); // an upload without its description is of no use
            throw e;
        }
        return progress(0);
    }

    @Override
    public StoredUpload upload(String uploadId) throws IOException {
        long size;
        try {
            size = Files.size(uploadData(uploadId));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("upload " + uploadId);
        }
        byte[] info = read(uploadFile(uploadId, INFO))
                .orElseThrow(() -> new NotFoundException("upload " + uploadId + " (being created)"));
        return new StoredUpload(progress(size), info, hashStateAt(uploadId, size));
    }

    /** The saved hash state if it was saved for {@code size} bytes (see appendUpload). */
    private Optional<byte[]> hashStateAt(String uploadId, long size) throws IOException {
        Optional<byte[]> saved = read(uploadFile(uploadId, HASH_STATE));
        if (saved.isEmpty() || saved.get().length < Long.BYTES
                || ByteBuffer.wrap(saved.get()).getLong() != size) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(saved.get(), Long.BYTES, saved.get().length));
    }

    /** Appends are locked and only ever extend the file, so its size names its content. */
    private static UploadProgress progress(long size) {
        return new UploadProgress(size, Long.toString(size));
    }

    @Override
    public UploadProgress appendUpload(String uploadId, UploadProgress at, InputStream data, HashStateSource hashAfter)
            throws IOException {
        long offset = at.size();
        FileChannel channel = openUpload(uploadId);
        try (channel; FileLock lock = uploadLock(uploadId, channel, offset)) {
            progress(channel.size()).requireAppendAt(uploadId, at);
            channel.position(offset);
            try {
                // The buffer is made once the client has sent something: a stalled request holds none.
                int first = data.read();
                byte[] buffer = first < 0 ? new byte[0] : new byte[COPY_BUFFER];
                int n = 0;
                if (first >= 0) {
                    buffer[0] = (byte) first;
                    n = 1 + data.readNBytes(buffer, 1, buffer.length - 1);
                }
                for (; n > 0; n = data.readNBytes(buffer, 0, buffer.length)) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        channel.write(chunk);
                    }
                }
                long size = channel.position();
                if (size == offset) {
                    return at; // an empty chunk changes nothing
                }
                // Tagged with the size it belongs to: appends only ever extend the file (a failed
                // one is cut back), so the size names the bytes, and a state of another size is ignored.
                Optional<byte[]> hashState = hashAfter.afterData();
                if (hashState.isPresent()) {
                    writeIntoUpload(uploadId, HASH_STATE, ByteBuffer.allocate(Long.BYTES + hashState.get().length)
                            .putLong(size).put(hashState.get()).array());
                }
                health.succeeded();
                return progress(size);
            } catch (IOException e) {
                IOException failure = health.classify(e); // before the cut back frees the space
                cutBack(channel, offset, failure); // all or nothing: drop the part of a failed chunk
                throw failure;
            } catch (RuntimeException e) {
                cutBack(channel, offset, e);
                throw e;
            }
        }
    }

    /**
     * Truncates a failed append away, still holding its lock. An interrupted thread (a request
     * whose client went away) would make the channel close instead, so the flag waits meanwhile.
     */
    private static void cutBack(FileChannel channel, long offset, Exception failure) {
        boolean interrupted = Thread.interrupted();
        try {
            channel.truncate(offset);
        } catch (IOException e) {
            failure.addSuppressed(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private FileChannel openUpload(String uploadId) throws IOException {
        try {
            return FileChannel.open(uploadData(uploadId), StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("upload " + uploadId);
        }
    }

    /**
     * One writer at a time per upload, also across registry processes sharing the folder: two
     * chunks for the same offset would otherwise both pass the size check and mix their bytes,
     * and a commit could move a file that is still growing. The chunk that finds the upload
     * busy is refused like an out-of-order one.
     */
    private FileLock uploadLock(String uploadId, FileChannel channel, long offset) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held through another channel of this process
        }
        if (lock == null) {
            throw new OffsetMismatchException(offset, channel.size());
        }
        // A commit in another process may have moved this very file into place as a blob
        // between our open and our lock: then the upload's path is gone, and the file is a blob
        // that must not be written to.
        if (Files.notExists(uploadData(uploadId))) {
            lock.release();
            throw new NotFoundException("upload " + uploadId);
        }
        return lock;
    }

    @Override
    public InputStream readUpload(String uploadId) throws IOException {
        try {
            return Files.newInputStream(uploadData(uploadId));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("upload " + uploadId);
        }
    }

    @Override
    public void commitUpload(String uploadId, Digest digest, UploadProgress verified) throws IOException {
        Path data = uploadData(uploadId);
        FileChannel channel = openUpload(uploadId);
        try (channel; FileLock lock = uploadLock(uploadId, channel, verified.size())) {
            UploadProgress current = progress(channel.size());
            if (!current.equals(verified)) {
                throw new UploadChangedException(uploadId, verified, current);
            }
            Path target = blobPath(digest);
            writing(() -> Files.createDirectories(target.getParent()));
            // A rename, not a copy: commit time does not grow with the blob. Replacing an existing
            // blob of the same digest is harmless, the bytes are the same. Held under the lock, so
            // no append slips in between the check and the move.
            Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
        }
        deleteUpload(uploadId);
    }

    @Override
    public void deleteUpload(String uploadId) throws IOException {
        AtomicFiles.deleteTree(uploadData(uploadId).getParent());
    }

    // ---- paths ----

    private Path blobPath(Digest digest) {
        return versions.dataPath(digest);
    }

    private Path uploadData(String uploadId) {
        return resolve(uploadFile(uploadId, "data"));
    }

    /**
     * Writes a file into the upload's folder atomically, but never creates the folder: a cancel
     * on another process may just have removed the upload, which must stay gone.
     */
    private void writeIntoUpload(String uploadId, String name, byte[] content) throws IOException {
        try {
            AtomicFiles.writeAtomically(resolve(uploadFile(uploadId, name)), content);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("upload " + uploadId);
        }
    }

    /** A file of the upload's own folder, as a storage path. */
    private static String uploadFile(String uploadId, String name) {
        return StoragePaths.UPLOADS + "/" + uploadId + "/" + name;
    }

    /**
     * Maps a metadata path under the root, refusing anything that could leave it: a "." or ".."
     * component (names like the tag "v1..", which the spec allows, are fine).
     */
    private Path resolve(String path) {
        for (String component : path.split("/", -1)) {
            if (component.equals("..") || component.equals(".")) {
                throw new IllegalArgumentException("path escapes the storage root: " + path);
            }
        }
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root)) {
            throw new IllegalArgumentException("path escapes the storage root: " + path);
        }
        return resolved;
    }

    @FunctionalInterface
    private interface Write<T> {
        T run() throws IOException;
    }

    /** Runs a write, telling the write health how it went; a lack of space fails as StorageFullException. */
    private <T> T writing(Write<T> write) throws IOException {
        T result;
        try {
            result = write.run();
        } catch (IOException e) {
            throw health.classify(e);
        }
        health.succeeded();
        return result;
    }

    @Override
    public int removeCrashLeftovers(Duration olderThan) throws IOException {
        return new CrashLeftovers(root).remove(olderThan);
    }

    @Override
    public Optional<String> writeProblem() {
        return health.problem();
    }
}
