package dev.berth.registry.content;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import dev.berth.registry.storage.StoredBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;

/**
 * Blobs as one repository sees them: the shared content-addressed store filtered by the
 * repository's links, so a repository reads only blobs pushed to or mounted into it.
 */
public final class RepositoryBlobs {

    private final Storage storage;
    private final Catalog catalog;
    private final BlobRefresh refresh;

    public RepositoryBlobs(Storage storage, Catalog catalog) {
        this(storage, catalog, BlobRefresh.standard(Clock.systemUTC()));
    }

    public RepositoryBlobs(Storage storage, Catalog catalog, BlobRefresh refresh) {
        this.storage = storage;
        this.catalog = catalog;
        this.refresh = refresh;
    }

    /** The blob if it is linked into the repository and present. */
    public Optional<StoredBlob> find(String repository, Digest digest) throws IOException {
        if (!isLinked(repository, digest)) {
            return Optional.empty();
        }
        return storage.findBlob(digest);
    }

    /**
     * As {@link #find}, and refreshes an old blob (see {@link BlobRefresh}): a client that finds a
     * layer present by HEAD pushes only the manifest, maybe minutes later, and a garbage
     * collection must not free the layer in between.
     */
    public Optional<StoredBlob> findRefreshed(String repository, Digest digest) throws IOException {
        Optional<StoredBlob> found = find(repository, digest);
        if (found.isPresent() && !storage.refreshBlob(digest, refresh.refreshIfBefore())) {
            return Optional.empty(); // collected just now
        }
        return found;
    }

    /** The blob's size if it is linked into the repository and present. */
    public Optional<Long> size(String repository, Digest digest) throws IOException {
        return find(repository, digest).map(StoredBlob::size);
    }

    public boolean isLinked(String repository, Digest digest) throws IOException {
        return storage.read(StoragePaths.layerLink(repository, digest)).isPresent();
    }

    /** Makes a committed blob readable from the repository. */
    public void link(String repository, Digest digest) throws IOException {
        storage.write(StoragePaths.layerLink(repository, digest), digest.toString().getBytes(StandardCharsets.UTF_8));
        catalog.add(repository);
    }

    /** Links {@code digest} from {@code from} into {@code to}; false if {@code from} cannot read it. */
    public boolean mount(String from, String to, Digest digest) throws IOException {
        if (size(from, digest).isEmpty() || !storage.refreshBlob(digest, refresh.refreshIfBefore())) {
            return false;
        }
        link(to, digest);
        return true;
    }

    /** Removes the repository's link; the shared blob stays for other repositories (garbage collection frees it). */
    public boolean unlink(String repository, Digest digest) throws IOException {
        return storage.delete(StoragePaths.layerLink(repository, digest));
    }
}
