package dev.berth.registry.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a folder's filesystem can take writes, cheaply enough to be asked on every
 * {@code /healthz}: one {@code statvfs} call, plus a small probe write only while a write has
 * failed for lack of space and none has succeeded since (a full inode table or a quota leaves
 * free bytes, so the free space alone cannot tell).
 */
final class WriteHealth {

    /** Below this, the storage counts as full: not even a large manifest and its links would fit. */
    static final long MIN_FREE = 1L << 20;
    private static final long PROBE_INTERVAL_NANOS = 2_000_000_000L;
    private static final byte[] PROBE = new byte[4096];

    private final Path folder;
    private final FileStore store;
    private volatile boolean failedSinceLastWrite;
    private boolean probeFailed;
    private long lastFailedProbe;

    WriteHealth(Path folder) throws IOException {
        this.folder = folder;
        this.store = Files.getFileStore(folder);
    }

    /**
     * The failure as a {@link StorageFullException} when it is one (decided before the failed
     * write's bytes are removed, while the space is still taken), otherwise the failure itself.
     */
    IOException classify(IOException failure) {
        if (failure instanceof StorageFullException) {
            return failure;
        }
        if (!saysNoSpace(failure) && !(isFileWriteError(failure) && usable() < MIN_FREE)) {
            return failure;
        }
        failedSinceLastWrite = true;
        return new StorageFullException("no space left on the storage (" + folder + "): " + failure.getMessage(),
                failure);
    }

    void succeeded() {
        if (failedSinceLastWrite) {
            failedSinceLastWrite = false;
        }
    }

    /** Why the storage cannot take writes now, or empty when it can. */
    Optional<String> problem() {
        long free = usable();
        if (free < MIN_FREE) {
            return Optional.of("storage full: " + free + " bytes free, less than " + MIN_FREE);
        }
        if (failedSinceLastWrite && !probeSucceeds()) {
            return Optional.of("storage full: a write failed for lack of space and none has succeeded since");
        }
        return Optional.empty();
    }

    /** A small real write; after one that failed, the next waits 2 s (in between, the verdict holds). */
    private synchronized boolean probeSucceeds() {
        if (!failedSinceLastWrite) {
            return true; // a write or a concurrent probe succeeded meanwhile
        }
        long now = System.nanoTime();
        if (probeFailed && now - lastFailedProbe < PROBE_INTERVAL_NANOS) {
            return false;
        }
        Path probe = folder.resolve(AtomicFiles.TEMP_PREFIX + "write-probe-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, PROBE);
            failedSinceLastWrite = false;
            probeFailed = false;
            return true;
        } catch (IOException e) {
            probeFailed = true;
            lastFailedProbe = now;
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // left for the leftover sweep (a temporary file's name)
            }
        }
    }

    private long usable() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // no answer is no evidence of a full disk
        }
    }

    /**
     * An error of the file system itself, as opposed to one of the storage's own answers (not
     * found, offset mismatch) or of the request body being read (a client gone, a timeout).
     */
    private static boolean isFileWriteError(IOException failure) {
        if (failure instanceof NoSuchFileException || failure instanceof FileAlreadyExistsException
                || failure instanceof AccessDeniedException) {
            return false; // errors with a cause of their own
        }
        return failure instanceof FileSystemException
                || (failure.getClass() == IOException.class && failure.getCause() == null);
    }

    /** ENOSPC and EDQUOT as the JDK words them (the C library's text; a C locale in the image). */
    private static boolean saysNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
