package dev.berth.cdk.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Logical ids of the two buckets, told apart by their lifecycle rules. */
final class StorageIds {

    private StorageIds() {
    }

    static String imageBucket(Template t) {
        return bucketWithRule(t, "AbortIncompleteMultipartUpload");
    }

    static String logBucket(Template t) {
        return bucketWithRule(t, "ExpirationInDays");
    }

    private static String bucketWithRule(Template t, String ruleKey) {
        Map<String, Map<String, Object>> found = t.findResources("AWS::S3::Bucket", Map.of("Properties",
                Map.of("LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(
                        Match.objectLike(Map.of(ruleKey, Match.anyValue()))))))));
        assertEquals(1, found.size());
        return found.keySet().iterator().next();
    }
}
