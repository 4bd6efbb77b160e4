package dev.berth.cdk.monitoring;

import java.util.List;
import java.util.Optional;

import dev.berth.cdk.Required;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.ecs.AlarmBehavior;
import software.amazon.awscdk.services.ecs.DeploymentAlarmOptions;
import software.amazon.awscdk.services.ecs.Ec2Service;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * What ops watch: the registry's alarms and their SNS topic ({@link RegistryAlarms}), the
 * dashboard ({@link RegistryDashboard}), and the service's deployment alarms, which roll a
 * deployment back when a new version trips them.
 */
public class RegistryMonitoring extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param loadBalancer         required
     * @param targetGroup          the registry tasks behind it; required
     * @param service              required
     * @param registryLogs         the registry container's log group; required
     * @param memoryLimitMiB       the task's hard memory limit; required
     * @param memoryReservationMiB the task's memory reservation; required
     * @param alarmEmail           an address subscribed to the alarms; default none
     * @param requestMetricsBucket the image bucket when S3 publishes its request metrics; default none
     *                             (an imported bucket): then no S3 alarms
     */
    public record Props(ApplicationLoadBalancer loadBalancer, ApplicationTargetGroup targetGroup, Ec2Service service,
            ILogGroup registryLogs, Integer memoryLimitMiB, Integer memoryReservationMiB, String alarmEmail,
            IBucket requestMetricsBucket) {
        private static final String NAME = "RegistryMonitoring.Props";

        public Props {
            Required.prop(loadBalancer, NAME, "loadBalancer");
            Required.prop(targetGroup, NAME, "targetGroup");
            Required.prop(service, NAME, "service");
            Required.prop(registryLogs, NAME, "registryLogs");
            Required.prop(memoryLimitMiB, NAME, "memoryLimitMiB");
            Required.prop(memoryReservationMiB, NAME, "memoryReservationMiB");
            alarmEmail = alarmEmail != null ? alarmEmail : "";
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private ApplicationLoadBalancer loadBalancer;
            private ApplicationTargetGroup targetGroup;
            private Ec2Service service;
            private ILogGroup registryLogs;
            private Integer memoryLimitMiB;
            private Integer memoryReservationMiB;
            private String alarmEmail;
            private IBucket requestMetricsBucket;

            public Builder loadBalancer(ApplicationLoadBalancer alb) { this.loadBalancer = alb; return this; }
            public Builder targetGroup(ApplicationTargetGroup group) { this.targetGroup = group; return this; }
            public Builder service(Ec2Service service) { this.service = service; return this; }
            public Builder registryLogs(ILogGroup logs) { this.registryLogs = logs; return this; }
            public Builder memoryLimitMiB(int mib) { this.memoryLimitMiB = mib; return this; }
            public Builder memoryReservationMiB(int mib) { this.memoryReservationMiB = mib; return this; }
            public Builder alarmEmail(String email) { this.alarmEmail = email; return this; }
            public Builder requestMetricsBucket(IBucket bucket) { this.requestMetricsBucket = bucket; return this; }

            public Props build() {
                return new Props(loadBalancer, targetGroup, service, registryLogs, memoryLimitMiB,
                        memoryReservationMiB, alarmEmail, requestMetricsBucket);
            }
        }
    }

    private final RegistryAlarms alarms;
    private final Dashboard dashboard;

    public RegistryMonitoring(Construct scope, String id, Props props) {
        super(scope, id);
        RegistryMetrics metrics = new RegistryMetrics(this, props.loadBalancer(), props.targetGroup(),
                props.service(), props.registryLogs());
        this.alarms = new RegistryAlarms(this, "Alarms", metrics,
                (double) props.memoryLimitMiB() / props.memoryReservationMiB(), props.alarmEmail(),
                Optional.ofNullable(props.requestMetricsBucket()));
        this.dashboard = RegistryDashboard.create(this, metrics, alarms.alarms());
        List<Alarm> rollback = alarms.deploymentAlarms();
        props.service().enableDeploymentAlarms(rollback.stream().map(Alarm::getAlarmName).toList(),
                DeploymentAlarmOptions.builder().behavior(AlarmBehavior.ROLLBACK_ON_ALARM).build());
        // The names are Refs to the alarms, so CloudFormation makes them before the service.
    }

    public Topic topic() {
        return alarms.topic();
    }

    public List<Alarm> alarms() {
        return alarms.alarms();
    }

    public Dashboard dashboard() {
        return dashboard;
    }
}
