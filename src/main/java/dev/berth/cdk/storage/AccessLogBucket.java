package dev.berth.cdk.storage;

import java.util.List;

import dev.berth.cdk.Nag;
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
 * One bucket for the load balancer's access logs and the image bucket's server access logs.
 * SSE-S3, because ALB log delivery does not support KMS keys.
 */
public class AccessLogBucket extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param expireAfterDays days after which a log object is deleted; required
     */
    public record Props(Integer expireAfterDays) {

        public Props {
            Required.prop(expireAfterDays, "AccessLogBucket.Props", "expireAfterDays");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private Integer expireAfterDays;

            public Builder expireAfterDays(int expireAfterDays) { this.expireAfterDays = expireAfterDays; return this; }

            public Props build() {
                return new Props(expireAfterDays);
            }
        }
    }

    private final Bucket bucket;

    public AccessLogBucket(Construct scope, String id, Props props) {
        super(scope, id);
        this.bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-logs")
                        .expiration(Duration.days(props.expireAfterDays()))
                        .build()))
                // Logs are evidence: never deleted with the stack.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Nag.acknowledge(bucket, "This is the access-log bucket itself; logging it into itself would loop.",
                "AwsSolutions-S1", Nag.NIST + "S3BucketLoggingEnabled");
        Nag.acknowledge(bucket, "Log objects are written once under unique names by AWS log delivery and expire "
                + "after logRetentionDays; versions would only keep expired logs (and bill them) longer.",
                Nag.NIST + "S3BucketVersioningEnabled");
    }

    public IBucket bucket() {
        return bucket;
    }
}
