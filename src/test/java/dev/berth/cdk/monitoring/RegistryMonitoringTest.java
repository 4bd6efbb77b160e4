package dev.berth.cdk.monitoring;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.map;
import static dev.berth.cdk.Json.only;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.berth.cdk.Scenarios;
import software.amazon.awscdk.assertions.Template;

/** The alarms, their topic, the deployment alarms that roll back, the log metrics and the dashboard. */
class RegistryMonitoringTest {

    private final Template defaults = Scenarios.defaults().template();
    private final Template withEmail = Scenarios.privateArmImported().template();

    /** Alarm name without the stack prefix -> its properties. */
    private static Map<String, Map<String, Object>> alarms(Template template) {
        Map<String, Map<String, Object>> byName = new TreeMap<>();
        template.findResources("AWS::CloudWatch::Alarm").values().forEach(alarm -> {
            Map<String, Object> props = map(at(alarm, "Properties"));
            byName.put(String.valueOf(props.get("AlarmName")).replaceFirst("^BerthRegistry-", ""), props);
        });
        return byName;
    }

    private static String idOf(Template template, String type, String prefix) {
        return template.findResources(type).keySet().stream().filter(id -> id.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " " + prefix));
    }

    /** The metric an alarm (or an id inside its math) watches: "namespace/name". */
    private static String watched(Map<String, Object> alarm, String mathId) {
        if (mathId == null) {
            return alarm.get("Namespace") + "/" + alarm.get("MetricName");
        }
        for (Object query : list(alarm.get("Metrics"))) {
            if (mathId.equals(at(query, "Id"))) {
                Object metric = at(query, "MetricStat", "Metric");
                return at(metric, "Namespace") + "/" + at(metric, "MetricName");
            }
        }
        throw new AssertionError("no " + mathId + " in " + alarm);
    }

    private static String expression(Map<String, Object> alarm) {
        return list(alarm.get("Metrics")).stream().map(q -> at(q, "Expression")).filter(e -> e != null)
                .map(String::valueOf).findFirst().orElseThrow();
    }

    @Test
    void everyAlarmIsNamedForWhatItMeansAndNotifiesTheTopicWhenItFiresAndClears() {
        Map<String, Map<String, Object>> alarms = alarms(defaults);
        assertEquals(List.of("ImageBucket5xxErrors", "ImageBucketRequestsRefused", "LoadBalancer5xxRate",
                "Registry5xxRate", "RegistryErrorLogLines", "RunningTasksBelowDesired", "ServiceCpuHigh",
                "ServiceMemoryHigh", "UnhealthyTargets"), List.copyOf(alarms.keySet()));
        String topic = only(defaults, "AWS::SNS::Topic").getKey();
        for (var alarm : alarms.entrySet()) {
            Map<String, Object> props = alarm.getValue();
            assertEquals(List.of(Map.of("Ref", topic)), props.get("AlarmActions"), alarm.getKey());
            assertEquals(List.of(Map.of("Ref", topic)), props.get("OKActions"), alarm.getKey());
            assertEquals("GreaterThanOrEqualToThreshold", props.get("ComparisonOperator"), alarm.getKey());
            assertEquals("notBreaching", props.get("TreatMissingData"), alarm.getKey());
            assertTrue(String.valueOf(props.get("AlarmDescription")).length() > 40, alarm.getKey());
        }
    }

    @Test
    void errorRateAlarmsDivideFiveHundredsByRequestsAboveAFloorOfFiveErrors() {
        Map<String, Map<String, Object>> alarms = alarms(defaults);
        Map<String, Object> lb = alarms.get("LoadBalancer5xxRate");
        assertEquals("AWS/ApplicationELB/HTTPCode_ELB_5XX_Count", watched(lb, "e"));
        assertEquals("AWS/ApplicationELB/RequestCount", watched(lb, "r"));
        assertEquals("IF(FILL(e, 0) >= 5, 100 * FILL(e, 0) / (FILL(r, 0) + FILL(e, 0)), 0)", expression(lb));
        Map<String, Object> registry = alarms.get("Registry5xxRate");
        assertEquals("AWS/ApplicationELB/HTTPCode_Target_5XX_Count", watched(registry, "e"));
        assertEquals("IF(FILL(e, 0) >= 5, 100 * FILL(e, 0) / FILL(r, 0), 0)", expression(registry));
        String targetGroup = only(defaults, "AWS::ElasticLoadBalancingV2::TargetGroup").getKey();
        assertTrue(String.valueOf(registry.get("Metrics")).contains(targetGroup), registry.toString());
        for (Map<String, Object> rate : List.of(lb, registry)) {
            assertEquals(5, ((Number) rate.get("Threshold")).intValue());
            assertEquals(2, rate.get("DatapointsToAlarm"));
            assertEquals(3, rate.get("EvaluationPeriods"));
        }
    }

    @Test
    void capacityAlarmsWatchTargetsTasksCpuAndMemory() {
        Map<String, Map<String, Object>> alarms = alarms(defaults);
        Map<String, Object> unhealthy = alarms.get("UnhealthyTargets");
        assertEquals("AWS/ApplicationELB/UnHealthyHostCount", watched(unhealthy, null));
        assertEquals("Maximum", unhealthy.get("Statistic"));
        assertEquals(1, ((Number) unhealthy.get("Threshold")).intValue());
        assertEquals(5, unhealthy.get("EvaluationPeriods"));

        Map<String, Object> tasks = alarms.get("RunningTasksBelowDesired");
        assertEquals("ECS/ContainerInsights/DesiredTaskCount", watched(tasks, "desired"));
        assertEquals("ECS/ContainerInsights/RunningTaskCount", watched(tasks, "running"));
        assertEquals("FILL(desired, 0) - FILL(running, 0)", expression(tasks));
        assertEquals(0.5, ((Number) tasks.get("Threshold")).doubleValue());
        assertEquals(10, tasks.get("EvaluationPeriods"));

        Map<String, Object> cpu = alarms.get("ServiceCpuHigh");
        assertEquals("AWS/ECS/CPUUtilization", watched(cpu, null));
        assertEquals(85, ((Number) cpu.get("Threshold")).intValue());

        // ECS reports memory in % of the reservation: 80 % of the limit is limit/reservation * 80.
        Map<String, Object> container = map(list(onlyProps(defaults, "AWS::ECS::TaskDefinition")
                .get("ContainerDefinitions")).get(0));
        double limitOverReservation = ((Number) container.get("Memory")).doubleValue()
                / ((Number) container.get("MemoryReservation")).doubleValue();
        Map<String, Object> memory = alarms.get("ServiceMemoryHigh");
        assertEquals("AWS/ECS/MemoryUtilization", watched(memory, null));
        assertEquals(80 * limitOverReservation, ((Number) memory.get("Threshold")).doubleValue());
        assertEquals(160, ((Number) memory.get("Threshold")).intValue());
    }

    /** The registry's own failures: ERROR lines of its log group, counted by a metric filter. */
    @Test
    void registryErrorLinesAreCountedFromItsLogGroupAndAlarmAtFiveInFiveMinutes() {
        String registryLogs = idOf(defaults, "AWS::Logs::LogGroup", "RegistryLogGroup");
        Map<String, String> patterns = defaults.findResources("AWS::Logs::MetricFilter").values().stream()
                .collect(Collectors.toMap(f -> String.valueOf(at(list(at(f, "Properties", "MetricTransformations"))
                        .get(0), "MetricName")), f -> String.valueOf(at(f, "Properties", "FilterPattern"))));
        assertEquals(Map.of("ErrorLogLines", "\"ERROR\"", "BytesPushed", "{ $.bytes_in > 0 }",
                "BytesPulled", "{ $.bytes_out > 0 }"), patterns);
        for (Object filter : defaults.findResources("AWS::Logs::MetricFilter").values()) {
            assertEquals(Map.of("Ref", registryLogs), at(filter, "Properties", "LogGroupName"));
        }
        Map<String, Object> errors = alarms(defaults).get("RegistryErrorLogLines");
        assertEquals("Berth/BerthRegistry/ErrorLogLines", watched(errors, null));
        assertEquals("Sum", errors.get("Statistic"));
        assertEquals(300, errors.get("Period"));
        assertEquals(5, ((Number) errors.get("Threshold")).intValue());
    }

    /** A bad version trips these during its deployment, and ECS rolls it back. */
    @Test
    void theRegistrysS3CallsAlarmOnFiveHundredsAndOnNearlyAllRefusedFromTheBucketsRequestMetrics() {
        List<Object> metricsConfigurations = defaults.findResources("AWS::S3::Bucket").values().stream()
                .map(b -> at(b, "Properties", "MetricsConfigurations")).filter(m -> m != null).toList();
        assertEquals(List.of(List.of(Map.of("Id", "EntireBucket"))), metricsConfigurations,
                "request metrics on the image bucket only");
        Map<String, Map<String, Object>> alarms = alarms(defaults);
        Map<String, Object> errors = alarms.get("ImageBucket5xxErrors");
        assertEquals("AWS/S3/5xxErrors", watched(errors, null));
        assertEquals("Sum", errors.get("Statistic"));
        assertTrue(String.valueOf(errors.get("Dimensions")).contains("EntireBucket"), errors.toString());
        assertEquals(5, ((Number) errors.get("Threshold")).intValue());
        Map<String, Object> refused = alarms.get("ImageBucketRequestsRefused");
        assertEquals("AWS/S3/4xxErrors", watched(refused, "refused"));
        assertEquals("AWS/S3/AllRequests", watched(refused, "all"));
        assertEquals("IF(FILL(all, 0) >= 20, 100 * FILL(refused, 0) / all, 0)", expression(refused));
        assertEquals(90, ((Number) refused.get("Threshold")).intValue());
        // An imported bucket cannot be given request metrics by this stack: no S3 alarms then.
        Map<String, Map<String, Object>> imported = alarms(withEmail);
        assertFalse(imported.containsKey("ImageBucket5xxErrors") || imported.containsKey("ImageBucketRequestsRefused"),
                imported.keySet().toString());
    }

    @Test
    void deploymentAlarmsRollADeploymentBack() {
        Map<String, Object> config = map(at(onlyProps(defaults, "AWS::ECS::Service"), "DeploymentConfiguration",
                "Alarms"));
        assertEquals(true, config.get("Enable"));
        assertEquals(true, config.get("Rollback"));
        Map<String, String> idByName = new TreeMap<>();
        defaults.findResources("AWS::CloudWatch::Alarm").forEach((id, alarm) -> idByName.put(
                String.valueOf(at(alarm, "Properties", "AlarmName")), id));
        assertEquals(List.of(Map.of("Ref", idByName.get("BerthRegistry-Registry5xxRate")),
                Map.of("Ref", idByName.get("BerthRegistry-UnhealthyTargets")),
                Map.of("Ref", idByName.get("BerthRegistry-RegistryErrorLogLines"))), config.get("AlarmNames"));
    }

    @Test
    void topicIsEncryptedWithARotatedKeyCloudWatchMayUseAndRefusesPlainHttp() {
        Map<String, Object> topic = onlyProps(defaults, "AWS::SNS::Topic");
        String key = only(defaults, "AWS::KMS::Key").getKey();
        assertEquals(Map.of("Fn::GetAtt", List.of(key, "Arn")), topic.get("KmsMasterKeyId"));
        Map<String, Object> keyProps = onlyProps(defaults, "AWS::KMS::Key");
        assertEquals(true, keyProps.get("EnableKeyRotation"));
        assertTrue(String.valueOf(keyProps.get("KeyPolicy")).contains("cloudwatch.amazonaws.com"));
        String policy = String.valueOf(onlyProps(defaults, "AWS::SNS::TopicPolicy").get("PolicyDocument"));
        assertTrue(policy.contains("aws:SecureTransport") && policy.contains("Deny"), policy);
        assertTrue(policy.contains("cloudwatch.amazonaws.com") && policy.contains("sns:Publish"), policy);
    }

    @Test
    void alarmEmailSubscribesToTheTopicOnlyWhenSet() {
        defaults.resourceCountIs("AWS::SNS::Subscription", 0);
        Map<String, Object> subscription = onlyProps(withEmail, "AWS::SNS::Subscription");
        assertEquals("email", subscription.get("Protocol"));
        assertEquals(Scenarios.ALARM_EMAIL, subscription.get("Endpoint"));
        assertEquals(Map.of("Ref", only(withEmail, "AWS::SNS::Topic").getKey()), subscription.get("TopicArn"));
    }

    /** One dashboard: requests, latency, bytes, errors, capacity, and every alarm's state. */
    @Test
    void dashboardShowsRequestsLatencyBytesErrorsCapacityAndAlarms() {
        Map<String, Object> dashboard = onlyProps(defaults, "AWS::CloudWatch::Dashboard");
        assertEquals("BerthRegistry", dashboard.get("DashboardName"));
        StringBuilder body = new StringBuilder();
        for (Object part : list(list(at(dashboard, "DashboardBody", "Fn::Join")).get(1))) {
            body.append(part instanceof String s ? s : "<" + part + ">");
        }
        String text = body.toString();
        for (String expected : List.of("\"Requests (per 5 min)\"", "\"RequestCount\"", "Latency", "\"TargetResponseTime\"",
                "\"p99\"", "\"BytesPushed\"", "\"BytesPulled\"", "\"ProcessedBytes\"", "\"HTTPCode_ELB_5XX_Count\"",
                "\"HTTPCode_Target_5XX_Count\"", "\"ErrorLogLines\"", "\"RunningTaskCount\"", "\"DesiredTaskCount\"",
                "\"HealthyHostCount\"", "\"CPUUtilization\"", "\"MemoryUtilization\"", "\"type\":\"alarm\"")) {
            assertTrue(text.contains(expected), expected + " in " + text);
        }
        for (String alarm : defaults.findResources("AWS::CloudWatch::Alarm").keySet()) {
            assertTrue(text.contains(alarm), alarm + " on the dashboard");
        }
    }
}
