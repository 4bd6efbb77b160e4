package dev.berth.registry.http;

import dev.berth.registry.config.Limits;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.content.Catalog;
import dev.berth.registry.content.BlobRefresh;
import dev.berth.registry.content.RepositoryBlobs;
import dev.berth.registry.content.RepositoryManifests;
import dev.berth.registry.http.handlers.BaseHandler;
import dev.berth.registry.http.handlers.BlobHandler;
import dev.berth.registry.http.handlers.CatalogHandler;
import dev.berth.registry.http.handlers.HealthHandler;
import dev.berth.registry.http.handlers.ManifestHandler;
import dev.berth.registry.http.handlers.ReferrersHandler;
import dev.berth.registry.http.handlers.TagsHandler;
import dev.berth.registry.http.handlers.UploadHandler;
import dev.berth.registry.http.limits.Admission;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.upload.UploadStateSigner;
import dev.berth.registry.upload.Uploads;
import dev.berth.registry.health.Health;
import dev.berth.registry.metrics.RegistryMetrics;
import java.time.Clock;
import java.util.Optional;

/** The API's handlers over one storage, each with its share of the request limits, behind a router. */
final class RegistryRoutes {

    private RegistryRoutes() {}

    static Router wire(Storage storage, RegistryConfig config, Clock clock, Health health,
            Optional<RegistryMetrics> metrics) {
        boolean delete = config.storage().deleteEnabled();
        Limits limits = config.limits();
        Catalog catalog = new Catalog(storage);
        BlobRefresh refresh = BlobRefresh.standard(clock);
        RepositoryBlobs blobs = new RepositoryBlobs(storage, catalog, refresh);
        RepositoryManifests manifests = new RepositoryManifests(storage, blobs, catalog, refresh);
        Uploads uploads = new Uploads(storage, blobs, clock);
        UploadStateSigner signer = new UploadStateSigner(config.http().secret());
        return Router.builder()
                .base(new BaseHandler())
                .catalog(new CatalogHandler(catalog))
                .health(new HealthHandler(health::live))
                .readiness(new HealthHandler(health::ready))
                .uploadsInProgress(metrics.<Router.InProgress>map(m -> m::uploadsInProgress)
                        .orElse(Router.InProgress.NONE))
                .requestsInProgress(metrics.<Router.InProgress>map(m -> m::requestsInProgress)
                        .orElse(Router.InProgress.NONE))
                .uploads(new UploadHandler(uploads, blobs, signer, storage.minimumChunkLength(),
                        new Admission("upload bodies", limits.uploads(), limits.uploadWait()), limits.bodyTimeout()))
                .blobs(new BlobHandler(storage, blobs, delete))
                .manifests(new ManifestHandler(manifests, delete, limits.manifestSize(),
                        new Admission("manifest bodies", limits.manifests(), limits.uploadWait()),
                        new Admission("manifest checks", cpuPlaces(), limits.uploadWait()), limits.bodyTimeout()))
                .tags(new TagsHandler(manifests))
                .referrers(new ReferrersHandler(manifests, limits.referrersSize(),
                        new Admission("referrers listings", limits.manifests(), limits.uploadWait())))
                .build();
    }

    /**
     * CPU-bound request work (parsing and hashing a manifest) runs on fewer places than there
     * are cores: virtual threads are not preempted, so a core must stay free for the rest.
     */
    private static int cpuPlaces() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }
}
