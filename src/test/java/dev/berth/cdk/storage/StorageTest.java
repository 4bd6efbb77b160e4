package dev.berth.cdk.storage;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class StorageTest {

    private final Template defaults = Scenarios.defaults().template();

    /** The image bucket is the one with the multipart-upload lifecycle rule. */
    private Map.Entry<String, Map<String, Object>> imageBucket(Template template) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::S3::Bucket", Map.of(
                "Properties", Map.of("LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("AbortIncompleteMultipartUpload", Match.anyValue())))))
                )));
        assertEquals(1, found.size(), found.toString());
        return found.entrySet().iterator().next();
    }

    @Test
    void imageBucketIsEncryptedPrivateAndAbortsStaleUploadsAfterSevenDays() {
        Map<String, Object> props = map(imageBucket(defaults).getValue().get("Properties"));
        assertEquals("AES256", at(list(at(props, "BucketEncryption", "ServerSideEncryptionConfiguration")).get(0),
                "ServerSideEncryptionByDefault", "SSEAlgorithm"));
        assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                "RestrictPublicBuckets", true), props.get("PublicAccessBlockConfiguration"));
        Map<String, Object> rule = map(list(at(props, "LifecycleConfiguration", "Rules")).get(0));
        assertEquals(Map.of("DaysAfterInitiation", 7), rule.get("AbortIncompleteMultipartUpload"));
        assertEquals("Enabled", rule.get("Status"));
        assertEquals("image-bucket/", at(props, "LoggingConfiguration", "LogFilePrefix"));
    }

    @Test
    void imageBucketIsRetainedWhenTheStackIsDeleted() {
        Map<String, Object> bucket = imageBucket(defaults).getValue();
        assertEquals("Retain", bucket.get("DeletionPolicy"));
        assertEquals("Retain", bucket.get("UpdateReplacePolicy"));
    }

    @Test
    void everyBucketDeniesRequestsWithoutTls() {
        Map<String, Map<String, Object>> policies = defaults.findResources("AWS::S3::BucketPolicy");
        assertEquals(2, policies.size());
        for (Map<String, Object> policy : policies.values()) {
            List<Object> statements = list(at(policy, "Properties", "PolicyDocument", "Statement"));
            assertTrue(statements.stream().anyMatch(s -> "Deny".equals(at(s, "Effect"))
                    && Map.of("Bool", Map.of("aws:SecureTransport", "false")).equals(at(s, "Condition"))),
                    statements.toString());
        }
        String imageBucketId = imageBucket(defaults).getKey();
        assertTrue(policies.values().stream()
                .anyMatch(p -> Map.of("Ref", imageBucketId).equals(at(p, "Properties", "Bucket"))));
    }

    @Test
    void accessLogBucketIsEncryptedPrivateRetainedAndExpiresLogs() {
        Map<String, Map<String, Object>> buckets = defaults.findResources("AWS::S3::Bucket");
        assertEquals(2, buckets.size());
        String imageBucketId = imageBucket(defaults).getKey();
        Map<String, Object> logs = buckets.entrySet().stream()
                .filter(e -> !e.getKey().equals(imageBucketId)).findFirst().orElseThrow().getValue();
        assertEquals("Retain", logs.get("DeletionPolicy"));
        Map<String, Object> props = map(logs.get("Properties"));
        assertEquals("AES256", at(list(at(props, "BucketEncryption", "ServerSideEncryptionConfiguration")).get(0),
                "ServerSideEncryptionByDefault", "SSEAlgorithm"));
        assertEquals(true, at(props, "PublicAccessBlockConfiguration", "BlockPublicPolicy"));
        assertEquals(30, ((Number) at(list(at(props, "LifecycleConfiguration", "Rules")).get(0),
                "ExpirationInDays")).intValue());
    }

    @Test
    void existingBucketIsImportedByNameNotCreated() {
        Template imported = Scenarios.privateArmImported().template();
        // Only the access-log bucket is created.
        imported.resourceCountIs("AWS::S3::Bucket", 1);
        imported.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of("ExpirationInDays", 90))))));
        imported.hasOutput("BucketName", Map.of("Value", Scenarios.EXISTING_BUCKET));
    }
}
