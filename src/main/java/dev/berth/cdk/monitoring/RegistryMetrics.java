package dev.berth.cdk.monitoring;

import java.util.Map;
import java.util.TreeMap;

import dev.berth.cdk.storage.ImageBucket;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.Unit;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeElb;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.logs.MetricFilterOptions;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The registry's metrics in one place, for the alarms and the dashboard: the load balancer's and
 * the target group's, the service's CPU and memory, Container Insights' task counts, and three
 * metrics the stack derives from the registry's own log lines with metric filters (ERROR lines;
 * bytes pushed and pulled from the {@code bytes_in}/{@code bytes_out} fields of its JSON request lines).
 */
public final class RegistryMetrics {

    /** Most alarms look at five minutes; the task counts at one (Container Insights' resolution). */
    static final Duration PERIOD = Duration.minutes(5);

    private final ApplicationLoadBalancer loadBalancer;
    private final ApplicationTargetGroup targets;
    private final Ec2Service service;
    private final String namespace;
    private final MetricFilter errorLines;
    private final MetricFilter bytesPushed;
    private final MetricFilter bytesPulled;

    RegistryMetrics(Construct scope, ApplicationLoadBalancer loadBalancer, ApplicationTargetGroup targets,
            Ec2Service service, ILogGroup registryLogs) {
        this.loadBalancer = loadBalancer;
        this.targets = targets;
        this.service = service;
        this.namespace = "Berth/" + Stack.of(scope).getStackName();
        // A term, not a JSON selector: matches an ERROR line whether it is plain text
        // ("... ERROR AccessReload - ...") or JSON ("level":"ERROR").
        this.errorLines = registryLogs.addMetricFilter("ErrorLogLines", MetricFilterOptions.builder()
                .filterPattern(FilterPattern.allTerms("ERROR"))
                .metricNamespace(namespace)
                .metricName("ErrorLogLines")
                .metricValue("1")
                .defaultValue(0)
                .unit(Unit.COUNT)
                .build());
        this.bytesPushed = bytesFilter(registryLogs, "BytesPushed", "$.bytes_in");
        this.bytesPulled = bytesFilter(registryLogs, "BytesPulled", "$.bytes_out");
    }

    private MetricFilter bytesFilter(ILogGroup logs, String name, String field) {
        return logs.addMetricFilter(name, MetricFilterOptions.builder()
                .filterPattern(FilterPattern.numberValue(field, ">", 0))
                .metricNamespace(namespace)
                .metricName(name)
                .metricValue(field)
                .unit(Unit.BYTES)
                .build());
    }

    /**
     * One of S3's request metrics of the image bucket (published for its whole-bucket filter), summed
     * over {@link #PERIOD}: {@code AllRequests}, {@code 4xxErrors}, {@code 5xxErrors}.
     */
    static Metric s3Requests(IBucket bucket, String metricName) {
        return Metric.Builder.create()
                .namespace("AWS/S3")
                .metricName(metricName)
                .dimensionsMap(ordered(Map.of("BucketName", bucket.getBucketName(), "FilterId", ImageBucket.REQUEST_METRICS_ID)))
                .statistic("Sum")
                .period(PERIOD)
                .build();
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().statistic("Sum").period(PERIOD).build();
    }

    /** Requests the load balancer forwarded (those it answered itself with a 5xx are not in it). */
    public Metric requests() {
        return loadBalancer.getMetrics().requestCount(sum());
    }

    /** 5xx the load balancer answered itself: no healthy target, a target that did not answer. */
    public Metric loadBalancer5xx() {
        return loadBalancer.getMetrics().httpCodeElb(HttpCodeElb.ELB_5XX_COUNT, sum());
    }

    public Metric processedBytes() {
        return loadBalancer.getMetrics().processedBytes(sum());
    }

    public Metric targetRequests() {
        return targets.getMetrics().requestCount(sum());
    }

    /** 5xx the registry answered. */
    public Metric target5xx() {
        return targets.getMetrics().httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT, sum());
    }

    public Metric target4xx() {
        return targets.getMetrics().httpCodeTarget(HttpCodeTarget.TARGET_4XX_COUNT, sum());
    }

    public Metric unhealthyTargets() {
        return targets.getMetrics().unhealthyHostCount(MetricOptions.builder()
                .statistic("Maximum").period(Duration.minutes(1)).build());
    }

    public Metric healthyTargets() {
        return targets.getMetrics().healthyHostCount(MetricOptions.builder()
                .statistic("Minimum").period(Duration.minutes(1)).build());
    }

    /** Seconds from the load balancer sending a request to the registry's first response byte. */
    public Metric latency(String percentile) {
        return targets.getMetrics().targetResponseTime(MetricOptions.builder()
                .statistic(percentile).period(PERIOD).label("latency " + percentile).build());
    }

    public Metric cpu() {
        return service.metricCpuUtilization(MetricOptions.builder()
                .statistic("Average").period(PERIOD).build());
    }

    /**
     * Percent of the task's memory reservation (512 MiB), not of its 1 GiB limit: ECS measures
     * against the soft limit when one is set, so 200 % is the hard limit.
     */
    public Metric memory() {
        return service.metricMemoryUtilization(MetricOptions.builder()
                .statistic("Maximum").period(PERIOD).build());
    }

    public Metric runningTasks() {
        return containerInsights("RunningTaskCount");
    }

    public Metric desiredTasks() {
        return containerInsights("DesiredTaskCount");
    }

    private Metric containerInsights(String name) {
        return Metric.Builder.create()
                .namespace("ECS/ContainerInsights")
                .metricName(name)
                .dimensionsMap(ordered(Map.of("ClusterName", service.getCluster().getClusterName(),
                        "ServiceName", service.getServiceName())))
                .statistic("Average")
                .period(Duration.minutes(1))
                .build();
    }

    public Metric errorLogLines() {
        return errorLines.metric(sum());
    }

    public IMetric bytesPushed() {
        return bytesPushed.metric(sum());
    }

    public IMetric bytesPulled() {
        return bytesPulled.metric(sum());
    }

    /**
     * Map.of's order changes from one JVM to the next; CDK renders a map in its iteration order,
     * and the template must be the same on every synth.
     */
    private static <V> Map<String, V> ordered(Map<String, V> entries) {
        return new TreeMap<>(entries);
    }
}
