package dev.berth.registry.storage.s3;

import static dev.berth.registry.storage.s3.S3Failures.call;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.OrphanData;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds (and removes) the objects under {@code blobdata/} that no pointer names: data of a
 * commit that lost a race, of a commit that lost to a cancel, of a process killed between
 * completing the data and writing the pointer, tails of committed uploads a failed cleanup left.
 *
 * <p>Order matters, because commits go on meanwhile: (1) list old data objects; (2) drop those
 * of uploads that still have a state (a commit or purge may still point a blob at them); (3) only
 * then read every pointer. A commit writes its pointer before it deletes its upload's state, so
 * a data object whose state was gone at (2) already has its pointer by (3), if it ever gets one.
 * Objects younger than the cutoff are never touched (a small blob written whole has data before
 * its pointer, without any state).
 */
final class OrphanBlobData {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanBlobData.class);
    private static final String BLOB_DATA = "blobdata/";
    /** Pointer reads in flight at once. */
    private static final int READERS = 32;

    private final S3Objects objects;
    private final S3Keys keys;
    private final BlobPointers pointers;

    OrphanBlobData(S3Objects objects, S3Keys keys, BlobPointers pointers) {
        this.objects = objects;
        this.keys = keys;
        this.pointers = pointers;
    }

    OrphanData collect(Instant cutoff, boolean dryRun) throws IOException {
        String dataPrefix = keys.full(BLOB_DATA);
        Map<String, List<S3Object>> oldByUpload = new HashMap<>();
        forEachObject(dataPrefix, o -> {
            if (o.lastModified().isBefore(cutoff)) {
                String belowData = o.key().substring(dataPrefix.length());
                int slash = belowData.indexOf('/');
                if (slash > 0) {
                    oldByUpload.computeIfAbsent(belowData.substring(0, slash), u -> new ArrayList<>()).add(o);
                }
            }
        });
        oldByUpload.keySet().removeIf(this::hasState);
        if (oldByUpload.isEmpty()) {
            return OrphanData.NONE;
        }
        Set<String> named = namedDataKeys();
        List<String> orphans = new ArrayList<>();
        long bytes = 0;
        for (List<S3Object> group : oldByUpload.values()) {
            for (S3Object o : group) {
                if (!named.contains(o.key())) {
                    orphans.add(o.key());
                    bytes += o.size();
                }
            }
        }
        if (!dryRun) {
            for (int from = 0; from < orphans.size(); from += 1000) {
                objects.deleteQuietly(orphans.subList(from, Math.min(orphans.size(), from + 1000)));
            }
        }
        LOG.debug("{} orphaned data object(s), {} bytes{}", orphans.size(), bytes, dryRun ? " (dry run)" : "");
        return new OrphanData(orphans.size(), bytes);
    }

    private boolean hasState(String uploadId) {
        try {
            return objects.sizeIfPresent(keys.uploadState(uploadId)).isPresent();
        } catch (IOException e) {
            return true; // unknown: keep its data
        }
    }

    /** Bucket keys of every data object a pointer names. */
    private Set<String> namedDataKeys() throws IOException {
        Set<String> named = new HashSet<>();
        String pointerPrefix = keys.full("blobs/");
        List<String> pointerKeys = new ArrayList<>();
        forEachObject(pointerPrefix, o -> pointerKeys.add(o.key()));
        // One GET per pointer: many at a time, on virtual threads, at most READERS in flight.
        Semaphore places = new Semaphore(READERS);
        List<Future<Optional<BlobPointers.Pointer>>> reads = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String key : pointerKeys) {
                String[] parts = key.substring(pointerPrefix.length()).split("/");
                Optional<Digest> digest = parts.length == 2 ? Digest.parse(parts[0] + ":" + parts[1])
                        : Optional.empty();
                if (digest.isEmpty()) {
                    continue;
                }
                reads.add(executor.submit(() -> {
                    places.acquire();
                    try {
                        return pointers.find(digest.get());
                    } finally {
                        places.release();
                    }
                }));
            }
            for (Future<Optional<BlobPointers.Pointer>> read : reads) {
                read.get().ifPresent(p -> named.add(keys.full(p.dataKey())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading blob pointers", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        return named;
    }

    interface ObjectVisitor {
        void visit(S3Object object) throws IOException;
    }

    /** Every object under {@code prefix}, page by page. */
    void forEachObject(String prefix, ObjectVisitor visitor) throws IOException {
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = call(() -> objects.client().listObjectsV2(ListObjectsV2Request.builder()
                    .bucket(objects.bucket()).prefix(prefix).continuationToken(continuation).build()));
            for (S3Object o : page.contents()) {
                visitor.visit(o);
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }
}
