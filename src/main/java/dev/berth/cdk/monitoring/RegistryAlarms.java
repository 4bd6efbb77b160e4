package dev.berth.cdk.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * Every alarm of the registry, each named {@code <stack>-<what it means>}, notifying one
 * KMS-encrypted SNS topic (and an e-mail address when one is set) when it fires and when it
 * clears. The thresholds and why are in the README's ops section.
 */
public final class RegistryAlarms extends Construct {

    /** Errors below this count in five minutes are noise, whatever their rate (3 of 3 requests at night). */
    static final int MIN_ERRORS = 5;
    /** Percent of requests. */
    static final int ERROR_RATE_PERCENT = 5;
    static final int CPU_HIGH_PERCENT = 85;
    /** Of the task's hard memory limit. */
    static final int MEMORY_HIGH_PERCENT_OF_LIMIT = 80;
    /**
     * Of the registry's S3 requests. 404 (a HEAD for a blob not yet pushed) and 412 (a lost
     * conditional write, by design) are everyday 4xx; nearly all requests refused means the
     * task role or the bucket policy no longer lets the registry in.
     */
    static final int S3_REFUSED_PERCENT = 90;
    /** S3 requests below this count in five minutes are too few to judge a refusal rate. */
    static final int S3_MIN_REQUESTS = 20;

    private final Topic topic;
    private final List<Alarm> alarms = new ArrayList<>();
    private final List<Alarm> deploymentAlarms = new ArrayList<>();

    /**
     * @param memoryLimitOverReservation the task's memory limit divided by its reservation (ECS
     *                                   reports memory in percent of the reservation)
     * @param alarmEmail                 subscribed to the topic unless empty
     * @param imageBucket                the bucket when S3 publishes its request metrics (one this stack made)
     */
    RegistryAlarms(Construct scope, String id, RegistryMetrics metrics, double memoryLimitOverReservation,
            String alarmEmail, Optional<IBucket> imageBucket) {
        super(scope, id);
        this.topic = createTopic(alarmEmail);
        String prefix = Stack.of(this).getStackName() + "-";

        Alarm lb5xx = alarm("LoadBalancer5xxRate", rate(metrics.loadBalancer5xx(), metrics.requests(), true),
                ERROR_RATE_PERCENT, 2, 3,
                "More than " + ERROR_RATE_PERCENT + " % of requests (at least " + MIN_ERRORS + " in 5 minutes) got a "
                        + "5xx from the load balancer itself: no healthy registry task, or tasks not answering.",
                prefix);
        Alarm registry5xx = alarm("Registry5xxRate", rate(metrics.target5xx(), metrics.targetRequests(), false),
                ERROR_RATE_PERCENT, 2, 3,
                "More than " + ERROR_RATE_PERCENT + " % of requests (at least " + MIN_ERRORS + " in 5 minutes) got a "
                        + "5xx from the registry: storage (S3) or AWS API failures, or a bad version (rolls a "
                        + "deployment back).", prefix);
        Alarm unhealthy = alarm("UnhealthyTargets", metrics.unhealthyTargets(), 1, 5, 5,
                "A registry task has failed the load balancer's /healthz check for 5 minutes (rolls a "
                        + "deployment back).", prefix);
        Alarm tasksBelow = alarm("RunningTasksBelowDesired", MathExpression.Builder.create()
                        .expression("FILL(desired, 0) - FILL(running, 0)")
                        .usingMetrics(ordered(Map.of("desired", metrics.desiredTasks(), "running", metrics.runningTasks())))
                        .label("desired - running tasks")
                        .period(Duration.minutes(1))
                        .build(), 0.5, 10, 10,
                "Fewer registry tasks have been running than desired for 10 minutes: tasks failing to start, "
                        + "or no host with room (maxHosts reached, a host lost).", prefix);
        Alarm cpu = alarm("ServiceCpuHigh", metrics.cpu(), CPU_HIGH_PERCENT, 3, 3,
                "The registry tasks' average CPU has stayed above " + CPU_HIGH_PERCENT + " % for 15 minutes although "
                        + "scaling aims at 60 %: scaling is at its ceiling (maxHosts) or cannot place tasks.", prefix);
        double memoryThreshold = Math.round(MEMORY_HIGH_PERCENT_OF_LIMIT * memoryLimitOverReservation);
        Alarm memory = alarm("ServiceMemoryHigh", metrics.memory(), memoryThreshold, 3, 3,
                "A registry task has used more than " + MEMORY_HIGH_PERCENT_OF_LIMIT + " % of its memory limit for "
                        + "15 minutes (ECS reports memory in % of the reservation, so " + memoryThreshold + " %): "
                        + "close to being killed for memory.", prefix);
        Alarm errorLines = alarm("RegistryErrorLogLines", metrics.errorLogLines(), MIN_ERRORS, 1, 1,
                "The registry logged " + MIN_ERRORS + " or more ERROR lines in 5 minutes (failures it could not "
                        + "answer around, such as reading its users or rules; rolls a deployment back).", prefix);
        deploymentAlarms.addAll(List.of(registry5xx, unhealthy, errorLines));
        alarms.addAll(List.of(lb5xx, registry5xx, unhealthy, tasksBelow, cpu, memory, errorLines));
        imageBucket.ifPresent(bucket -> alarms.addAll(s3Alarms(bucket, prefix)));
    }

    /** The registry's own calls to the image bucket, from S3's request metrics. */
    private List<Alarm> s3Alarms(IBucket bucket, String prefix) {
        Alarm errors = alarm("ImageBucket5xxErrors", RegistryMetrics.s3Requests(bucket, "5xxErrors"), MIN_ERRORS, 2, 3,
                "S3 answered " + MIN_ERRORS + " or more of the registry's requests to the image bucket with a 5xx in "
                        + "5 minutes (twice in 15): S3 trouble the SDK's retries may not hide (503 Slow Down on a hot "
                        + "prefix, an outage).", prefix);
        Alarm refused = alarm("ImageBucketRequestsRefused", MathExpression.Builder.create()
                        .expression("IF(FILL(all, 0) >= " + S3_MIN_REQUESTS + ", 100 * FILL(refused, 0) / all, 0)")
                        .usingMetrics(ordered(Map.of("refused", RegistryMetrics.s3Requests(bucket, "4xxErrors"),
                                "all", RegistryMetrics.s3Requests(bucket, "AllRequests"))))
                        .label("% of S3 requests answered 4xx")
                        .period(RegistryMetrics.PERIOD)
                        .build(), S3_REFUSED_PERCENT, 2, 3,
                "S3 refused " + S3_REFUSED_PERCENT + " % or more of the registry's requests to the image bucket (4xx, "
                        + "at least " + S3_MIN_REQUESTS + " requests in 5 minutes, twice in 15): the task role or "
                        + "the bucket policy no longer lets the registry in, or the bucket is gone.", prefix);
        return List.of(errors, refused);
    }

    /**
     * 100 * errors / requests, but 0 below {@link #MIN_ERRORS}, so a few errors among few requests
     * do not page anyone. The load balancer's own 5xx are not in its request count: added to it.
     */
    private static MathExpression rate(IMetric errors, IMetric requests, boolean errorsOutsideRequests) {
        String total = errorsOutsideRequests ? "(FILL(r, 0) + FILL(e, 0))" : "FILL(r, 0)";
        return MathExpression.Builder.create()
                .expression("IF(FILL(e, 0) >= " + MIN_ERRORS + ", 100 * FILL(e, 0) / " + total + ", 0)")
                .usingMetrics(ordered(Map.of("e", errors, "r", requests)))
                .label("% of requests")
                .period(RegistryMetrics.PERIOD)
                .build();
    }

    private Alarm alarm(String name, IMetric metric, double threshold, int datapoints, int periods,
            String description, String prefix) {
        Alarm alarm = Alarm.Builder.create(this, name)
                .alarmName(prefix + name)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .datapointsToAlarm(datapoints)
                .evaluationPeriods(periods)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build();
        alarm.addAlarmAction(new SnsAction(topic));
        alarm.addOkAction(new SnsAction(topic));
        return alarm;
    }

    /**
     * Encrypted with a key of the stack: CloudWatch cannot publish to a topic under the
     * AWS-managed SNS key, because that key's policy cannot grant it.
     */
    private Topic createTopic(String alarmEmail) {
        Key key = Key.Builder.create(this, "TopicKey")
                .description("Berth alarms topic")
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.DESTROY)
                .pendingWindow(Duration.days(7))
                .build();
        ServicePrincipal cloudWatch = new ServicePrincipal("cloudwatch.amazonaws.com");
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .principals(List.of(cloudWatch))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount())))
                .build());
        Topic t = Topic.Builder.create(this, "Topic")
                .displayName("Berth registry alarms")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        t.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("CloudWatchAlarmsPublish")
                .principals(List.of(cloudWatch))
                .actions(List.of("sns:Publish"))
                .resources(List.of(t.getTopicArn()))
                .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount())))
                .build());
        if (!alarmEmail.isEmpty()) {
            t.addSubscription(new EmailSubscription(alarmEmail));
        }
        return t;
    }

    public Topic topic() {
        return topic;
    }

    public List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    /** The alarms that roll an ECS deployment back: what a bad registry version would trip. */
    public List<Alarm> deploymentAlarms() {
        return List.copyOf(deploymentAlarms);
    }

    /**
     * Map.of's order changes from one JVM to the next; CDK renders a map in its iteration order,
     * and the template must be the same on every synth.
     */
    private static <V> Map<String, V> ordered(Map<String, V> entries) {
        return new TreeMap<>(entries);
    }
}
