package dev.berth.registry.storage;

import dev.berth.registry.config.RegistryConfig;
import java.io.IOException;

/** Builds the storage backend the settings select. */
public final class StorageFactory {

    private StorageFactory() {}

    public static Storage create(RegistryConfig.StorageSettings settings) throws IOException {
        return switch (settings.driver()) {
            case FILESYSTEM -> new FilesystemStorage(settings.filesystemRoot());
            case S3 -> throw new IOException("storage.s3: the S3 driver is not available in this build yet");
        };
    }
}
