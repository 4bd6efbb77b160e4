package dev.berth.cdk.storage;

import java.util.List;

import dev.berth.cdk.Required;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketMetrics;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The bucket that holds every blob and manifest. Retained when the stack is deleted: deleting
 * the stack must never delete images. Versioned: a deleted tag or manifest stays restorable for
 * {@code noncurrentVersionDays}. Or, with {@code existingBucketName}, a bucket made elsewhere
 * (e.g. by an earlier stack) imported by name and left untouched.
 */
public class ImageBucket extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param existingBucketName import this bucket instead of creating one; default empty: create
     * @param accessLogs         where the created bucket's server access logs go; required unless a
     *                           bucket is imported
     * @param noncurrentVersionDays how long a replaced or deleted object stays restorable; default 7
     */
    public record Props(String existingBucketName, IBucket accessLogs, Integer noncurrentVersionDays) {

        public Props {
            existingBucketName = existingBucketName == null ? "" : existingBucketName;
            noncurrentVersionDays = noncurrentVersionDays != null ? noncurrentVersionDays : 7;
            // Only a bucket created here logs anywhere; an imported one is left untouched.
            if (existingBucketName.isEmpty()) {
                Required.prop(accessLogs, "ImageBucket.Props", "accessLogs");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String existingBucketName;
            private IBucket accessLogs;
            private Integer noncurrentVersionDays;

            public Builder existingBucketName(String name) { this.existingBucketName = name; return this; }
            public Builder accessLogs(IBucket accessLogs) { this.accessLogs = accessLogs; return this; }
            public Builder noncurrentVersionDays(int days) { this.noncurrentVersionDays = days; return this; }

            public Props build() {
                return new Props(existingBucketName, accessLogs, noncurrentVersionDays);
            }
        }
    }

    /** Registry uploads that never finish leave multipart parts that cost money forever. */
    public static final int ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;

    /**
     * Where the registry keeps the state of uploads in progress (registry-image/docs/s3-storage.md):
     * replaced on every PATCH, so their old versions are scratch, kept only a day.
     */
    public static final String UPLOAD_STATE_PREFIX = "uploads/";
    /** The request-metrics filter covering the whole bucket. */
    public static final String REQUEST_METRICS_ID = "EntireBucket";
    public static final int UPLOAD_STATE_VERSIONS_DAYS = 1;

    private final IBucket bucket;

    public ImageBucket(Construct scope, String id, Props props) {
        super(scope, id);
        this.bucket = props.existingBucketName().isEmpty()
                ? createBucket(props.accessLogs(), props.noncurrentVersionDays())
                : Bucket.fromBucketName(this, "Bucket", props.existingBucketName());
    }

    public IBucket bucket() {
        return bucket;
    }

    /** Whether S3 publishes request metrics for it (filter {@value #REQUEST_METRICS_ID}): only a bucket this stack made. */
    public boolean hasRequestMetrics() {
        return bucket instanceof Bucket;
    }

    /**
     * S3 applies the shortest of overlapping lifecycle rules, so upload state under its prefix
     * loses its old versions after a day while tags, manifests and blobs keep theirs for
     * {@code noncurrentDays}. Delete markers left with no versions behind them are removed.
     */
    private Bucket createBucket(IBucket accessLogs, int noncurrentDays) {
        return Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(true)
                // S3 request metrics (4xx, 5xx, requests) for the alarms on the registry's S3 calls.
                .metrics(List.of(BucketMetrics.builder().id(REQUEST_METRICS_ID).build()))
                .lifecycleRules(List.of(
                        LifecycleRule.builder()
                                .id("abort-incomplete-multipart-uploads")
                                .abortIncompleteMultipartUploadAfter(
                                        Duration.days(ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS))
                                .build(),
                        LifecycleRule.builder()
                                .id("expire-noncurrent-versions")
                                .noncurrentVersionExpiration(Duration.days(noncurrentDays))
                                .expiredObjectDeleteMarker(true)
                                .build(),
                        LifecycleRule.builder()
                                .id("expire-noncurrent-upload-state")
                                .prefix(UPLOAD_STATE_PREFIX)
                                .noncurrentVersionExpiration(Duration.days(UPLOAD_STATE_VERSIONS_DAYS))
                                .build()))
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("image-bucket/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }
}
