package dev.berth.cdk.storage;

import java.util.List;

import dev.berth.cdk.Required;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The bucket that holds every blob and manifest. Retained when the stack is deleted: deleting
 * the stack must never delete images. Or, with {@code existingBucketName}, a bucket made
 * elsewhere (e.g. by an earlier stack) imported by name and left untouched.
 */
public class ImageBucket extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param existingBucketName import this bucket instead of creating one; default empty: create
     * @param accessLogs         where the created bucket's server access logs go; required unless a
     *                           bucket is imported
     */
    public record Props(String existingBucketName, IBucket accessLogs) {

        public Props {
            existingBucketName = existingBucketName == null ? "" : existingBucketName;
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

            public Builder existingBucketName(String name) { this.existingBucketName = name; return this; }
            public Builder accessLogs(IBucket accessLogs) { this.accessLogs = accessLogs; return this; }

            public Props build() {
                return new Props(existingBucketName, accessLogs);
            }
        }
    }

    /** Registry uploads that never finish leave multipart parts that cost money forever. */
    public static final int ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7;

    private final IBucket bucket;

    public ImageBucket(Construct scope, String id, Props props) {
        super(scope, id);
        this.bucket = props.existingBucketName().isEmpty()
                ? createBucket(props.accessLogs())
                : Bucket.fromBucketName(this, "Bucket", props.existingBucketName());
    }

    public IBucket bucket() {
        return bucket;
    }

    private Bucket createBucket(IBucket accessLogs) {
        return Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("abort-incomplete-multipart-uploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS))
                        .build()))
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix("image-bucket/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }
}
