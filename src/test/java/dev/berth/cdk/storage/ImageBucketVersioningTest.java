package dev.berth.cdk.storage;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Json;
import dev.berth.cdk.Scenarios;
import dev.berth.cdk.Synth;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** A deleted tag stays restorable for noncurrentVersionDays; upload scratch does not linger. */
class ImageBucketVersioningTest {

    private static Map<String, Object> imageBucketProps(Template template) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::S3::Bucket", Map.of(
                "Properties", Map.of("LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(
                        Match.objectLike(Map.of("AbortIncompleteMultipartUpload", Match.anyValue())))))
                )));
        assertEquals(1, found.size(), found.toString());
        return map(found.values().iterator().next().get("Properties"));
    }

    private static Map<String, Object> rule(Map<String, Object> props, String id) {
        return list(at(props, "LifecycleConfiguration", "Rules")).stream()
                .map(Json::map)
                .filter(r -> id.equals(r.get("Id")))
                .findFirst().orElseThrow(() -> new AssertionError("no lifecycle rule " + id + " in " + props));
    }

    @Test
    void imageBucketIsVersionedAndExpiresOldVersionsAfterAWeek() {
        Map<String, Object> props = imageBucketProps(Scenarios.defaults().template());
        assertEquals(Map.of("Status", "Enabled"), props.get("VersioningConfiguration"));
        Map<String, Object> all = rule(props, "expire-noncurrent-versions");
        assertEquals("Enabled", all.get("Status"));
        assertEquals(Map.of("NoncurrentDays", 7), all.get("NoncurrentVersionExpiration"));
        assertEquals(true, all.get("ExpiredObjectDeleteMarker"));
        assertEquals(null, all.get("Prefix"), "the week applies to the whole bucket");
    }

    /** The registry's upload state (registry-image/docs/s3-storage.md) is rewritten on every PATCH. */
    @Test
    void uploadStateVersionsAreKeptOneDayOnly() {
        Map<String, Object> uploads = rule(imageBucketProps(Scenarios.defaults().template()),
                "expire-noncurrent-upload-state");
        assertEquals("uploads/", uploads.get("Prefix"));
        assertEquals(Map.of("NoncurrentDays", 1), uploads.get("NoncurrentVersionExpiration"));
        assertEquals("Enabled", uploads.get("Status"));
    }

    @Test
    void theRetentionIsASetting() {
        Map<String, Object> props = imageBucketProps(Synth.with(Map.of("noncurrentVersionDays", "30")).template());
        assertEquals(Map.of("NoncurrentDays", 30), rule(props, "expire-noncurrent-versions")
                .get("NoncurrentVersionExpiration"));
    }

    @Test
    void anImportedBucketIsLeftAsItIs() {
        Template imported = Scenarios.privateArmImported().template();
        assertTrue(imported.findResources("AWS::S3::Bucket", Map.of("Properties",
                Map.of("VersioningConfiguration", Match.anyValue()))).isEmpty());
    }
}
