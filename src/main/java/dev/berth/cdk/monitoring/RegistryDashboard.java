package dev.berth.cdk.monitoring;

import java.util.List;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.constructs.Construct;

/**
 * One CloudWatch dashboard, named after the stack: requests, latency, bytes pushed and pulled,
 * errors, capacity (tasks, healthy targets, CPU, memory) and the state of every alarm.
 */
final class RegistryDashboard {

    static final int WIDTH = 8;
    static final int HEIGHT = 6;

    private RegistryDashboard() {
    }

    static Dashboard create(Construct scope, RegistryMetrics m, List<Alarm> alarms) {
        Dashboard dashboard = Dashboard.Builder.create(scope, "Dashboard")
                .dashboardName(Stack.of(scope).getStackName())
                .defaultInterval(Duration.hours(6))
                .build();
        dashboard.addWidgets(
                graph("Requests (per 5 min)", List.of(m.requests())),
                graph("Latency to first byte (s)", List.of(m.latency("p50"), m.latency("p90"), m.latency("p99"))),
                graph("Bytes pushed / pulled (registry) and through the load balancer",
                        List.of(m.bytesPushed(), m.bytesPulled(), m.processedBytes())));
        dashboard.addWidgets(
                graph("Errors (per 5 min)", List.of(m.loadBalancer5xx(), m.target5xx(), m.target4xx(),
                        m.errorLogLines())),
                graph("Capacity: tasks and healthy targets", List.of(m.desiredTasks(), m.runningTasks(),
                        m.healthyTargets(), m.unhealthyTargets())),
                graph("CPU % / memory % of reservation", List.of(m.cpu(), m.memory())));
        dashboard.addWidgets(AlarmStatusWidget.Builder.create()
                .title("Alarms")
                .alarms(List.<IAlarm>copyOf(alarms))
                .width(3 * WIDTH)
                .build());
        return dashboard;
    }

    private static IWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(List.copyOf(metrics))
                .width(WIDTH)
                .height(HEIGHT)
                .build();
    }
}
