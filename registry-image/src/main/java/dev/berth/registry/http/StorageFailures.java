package dev.berth.registry.http;

import dev.berth.registry.storage.StorageFullException;
import dev.berth.registry.storage.StorageUnavailableException;
import java.util.Optional;

/**
 * The answers for storage failures that are neither the client's fault nor a bug of the
 * registry: a full disk (507) and a backend failing for now (503 with Retry-After), instead of
 * the 500 of an unexpected failure.
 */
final class StorageFailures {

    /** S3's own client has retried with backoff by then; a few seconds more let throttling ease. */
    static final long RETRY_AFTER_SECONDS = 5;

    private StorageFailures() {}

    static Optional<RegistryException> answerFor(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof StorageFullException) {
                return Optional.of(RegistryException.storageFull("no space left on the registry's storage, so this"
                        + " request stored nothing; an upload keeps its previous size. Free space there, then retry"));
            }
            if (t instanceof StorageUnavailableException) {
                return Optional.of(RegistryException.storageUnavailable("the registry's storage backend failed for"
                        + " now; retry after " + RETRY_AFTER_SECONDS + " s", RETRY_AFTER_SECONDS));
            }
        }
        return Optional.empty();
    }
}
