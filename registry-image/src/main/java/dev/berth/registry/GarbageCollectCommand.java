package dev.berth.registry;

import dev.berth.registry.config.ConfigException;
import dev.berth.registry.config.ConfigLoader;
import dev.berth.registry.config.GoDuration;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.content.BlobRefresh;
import dev.berth.registry.gc.GarbageCollector;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.logging.LogSettings;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code garbage-collect [--dry-run] [--delete-untagged] [--grace=24h] [config.yml]}: registry:2's
 * command, but run while every registry keeps serving (see docs/garbage-collection.md). Exit
 * status 0 when the collection completed, 1 when it could not (nothing or only part was
 * deleted; a rerun is safe), 2 for a wrong command line.
 */
final class GarbageCollectCommand {

    static final String USAGE =
            "       java -jar registry.jar garbage-collect [--dry-run] [--delete-untagged] [--grace=24h] [config.yml]\n"
            + "         frees blobs no manifest references while registries keep serving; -d is --dry-run,\n"
            + "         -m is --delete-untagged; blobs younger than the grace period are never deleted";

    private GarbageCollectCommand() {}

    static int run(List<String> args, Map<String, String> env) {
        boolean dryRun = false;
        boolean deleteUntagged = false;
        Duration grace = GcOptions.DEFAULT_GRACE;
        Optional<Path> file = Optional.empty();
        for (String arg : args) {
            if (arg.equals("--dry-run") || arg.equals("-d")) {
                dryRun = true;
            } else if (arg.equals("--delete-untagged") || arg.equals("-m")) {
                deleteUntagged = true;
            } else if (arg.startsWith("--grace=")) {
                try {
                    grace = GoDuration.parse(arg.substring("--grace=".length()));
                } catch (IllegalArgumentException e) {
                    return Main.usage("--grace: " + e.getMessage());
                }
            } else if (arg.startsWith("-")) {
                return Main.usage("garbage-collect: unknown option " + arg);
            } else if (file.isPresent()) {
                return Main.usage("garbage-collect: one config file only");
            } else {
                file = Optional.of(Path.of(arg));
            }
        }
        BlobRefresh refresh = BlobRefresh.standard(Clock.systemUTC());
        if (grace.compareTo(refresh.minimumGrace()) < 0) {
            return Main.usage("--grace must be at least " + GoDuration.format(refresh.minimumGrace())
                    + " (twice the age at which pushes refresh what they reference)");
        }
        RegistryConfig config;
        try {
            config = new ConfigLoader().load(file, env);
        } catch (ConfigException e) {
            System.err.println("berth: invalid configuration: " + e.getMessage());
            return Main.FAILED;
        }
        LogSettings.configure(config.log().level(), config.log().format());
        Logger log = LoggerFactory.getLogger(GarbageCollectCommand.class);
        RegistryConfig.UploadPurging purging = config.storage().uploadPurging();
        GcOptions options = new GcOptions(dryRun, deleteUntagged, grace,
                purging.enabled() ? Optional.of(purging.age()) : Optional.empty());
        try (Storage storage = StorageFactory.create(config.storage())) {
            GcReport report = new GarbageCollector(storage, options, Clock.systemUTC()).run();
            return report == null ? Main.FAILED : Main.OK;
        } catch (Exception e) {
            log.error("garbage collection failed: {}", Main.causes(e));
            log.debug("garbage collection failure", e);
            return Main.FAILED;
        }
    }
}
