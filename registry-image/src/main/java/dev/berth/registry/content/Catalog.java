package dev.berth.registry.content;

import dev.berth.registry.storage.MetadataStore;
import dev.berth.registry.storage.StoragePaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The list of repositories, kept as one flat folder of markers so that {@code _catalog} lists
 * one folder instead of walking every repository's tree.
 */
public final class Catalog {

    private final MetadataStore storage;

    public Catalog(MetadataStore storage) {
        this.storage = storage;
    }

    public void add(String repository) throws IOException {
        String entry = StoragePaths.catalogEntry(repository);
        if (storage.read(entry).isEmpty()) {
            storage.write(entry, new byte[0]);
        }
    }

    public boolean contains(String repository) throws IOException {
        return storage.read(StoragePaths.catalogEntry(repository)).isPresent();
    }

    /** Repository names in lexical order, after {@code last}, at most {@code limit}. */
    public Page<String> list(Optional<String> last, int limit) throws IOException {
        return list(last, limit, name -> true);
    }

    /** As {@link #list(Optional, int)}, of the names {@code visible} accepts only. */
    public Page<String> list(Optional<String> last, int limit, Predicate<String> visible) throws IOException {
        List<String> names = new ArrayList<>();
        for (String entry : storage.list(StoragePaths.CATALOG)) {
            String name = StoragePaths.nameFromCatalogEntry(entry);
            if (visible.test(name)) {
                names.add(name);
            }
        }
        names.sort(null);
        return Page.of(names, last, limit);
    }
}
