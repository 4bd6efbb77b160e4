package dev.berth.registry.storage;

import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.storage.s3.S3StorageFactory;
import java.io.IOException;

/** Builds the storage backend the settings select. */
public final class StorageFactory {

    private StorageFactory() {}

    public static Storage create(RegistryConfig.StorageSettings settings) throws IOException {
        return switch (settings.driver()) {
            case FILESYSTEM -> new FilesystemStorage(settings.filesystemRoot());
            case S3 -> S3StorageFactory.create(settings.s3().orElseThrow(
                    () -> new IOException("storage.s3: settings missing")), !settings.redirectDisabled());
        };
    }
}
