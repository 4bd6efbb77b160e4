package dev.berth.cdk.service;

import java.util.List;

import dev.berth.cdk.Nag;
import dev.berth.cdk.Required;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationLoadBalancerTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.RedirectOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The internet-facing way in: the load balancer's security group (clients from
 * allowedClientCidrs only), the ALB with its access logs, the registry's target group and the
 * listeners (HTTP, or HTTP redirecting to HTTPS with a certificate). A part of the
 * {@code Registry} scope, not a construct of its own, for the reason given on {@link RegistryTask}.
 */
public final class RegistryLoadBalancer {

    /**
     * Made with {@link #builder()}.
     *
     * @param vpc                required
     * @param subnets            where the load balancer lives; default the public subnets
     * @param hostSecurityGroup  the hosts' security group, opened to the load balancer on Docker's
     *                           dynamic ports; required
     * @param accessLogs         where the access logs go; required
     * @param allowedClientCidrs IPv4 CIDRs that may reach the load balancer; default anywhere
     * @param certificate        TLS certificate for an HTTPS listener; default none: HTTP only
     * @param target             what the listeners forward to ({@link RegistryService#loadBalancerTarget()}); required
     * @param deletionProtection refuse to delete the load balancer (and so the stack) until turned off; default false
     */
    public record Props(IVpc vpc, SubnetSelection subnets, ISecurityGroup hostSecurityGroup, IBucket accessLogs,
            List<String> allowedClientCidrs, ICertificate certificate, IApplicationLoadBalancerTarget target,
            boolean deletionProtection) {
        private static final String NAME = "RegistryLoadBalancer.Props";

        public Props {
            Required.prop(vpc, NAME, "vpc");
            subnets = subnets != null ? subnets : SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build();
            Required.prop(hostSecurityGroup, NAME, "hostSecurityGroup");
            Required.prop(accessLogs, NAME, "accessLogs");
            allowedClientCidrs = allowedClientCidrs != null ? List.copyOf(allowedClientCidrs) : List.of("0.0.0.0/0");
            Required.prop(target, NAME, "target");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private IVpc vpc;
            private SubnetSelection subnets;
            private ISecurityGroup hostSecurityGroup;
            private IBucket accessLogs;
            private List<String> allowedClientCidrs;
            private ICertificate certificate;
            private IApplicationLoadBalancerTarget target;
            private boolean deletionProtection;

            public Builder vpc(IVpc vpc) { this.vpc = vpc; return this; }
            public Builder subnets(SubnetSelection subnets) { this.subnets = subnets; return this; }
            public Builder hostSecurityGroup(ISecurityGroup group) { this.hostSecurityGroup = group; return this; }
            public Builder accessLogs(IBucket accessLogs) { this.accessLogs = accessLogs; return this; }
            public Builder allowedClientCidrs(List<String> cidrs) { this.allowedClientCidrs = cidrs; return this; }
            /** @param certificate null for HTTP only */
            public Builder certificate(ICertificate certificate) { this.certificate = certificate; return this; }
            public Builder target(IApplicationLoadBalancerTarget target) { this.target = target; return this; }
            public Builder deletionProtection(boolean on) { this.deletionProtection = on; return this; }

            public Props build() {
                return new Props(vpc, subnets, hostSecurityGroup, accessLogs, allowedClientCidrs, certificate, target,
                        deletionProtection);
            }
        }
    }

    /**
     * Long enough for a multi-gigabyte layer pushed as one PUT over a slow link. The registry's
     * own idle timeout (960 s, RegistryServer) must stay longer, or the ALB answers some requests 502.
     */
    public static final Duration IDLE_TIMEOUT = Duration.seconds(900);

    /** Docker's dynamic host ports (bridge mode, hostPort 0). */
    public static final Port HOST_PORTS = Port.tcpRange(32768, 65535);

    private final Construct scope;
    private final boolean https;
    private final ApplicationLoadBalancer loadBalancer;
    private final ApplicationTargetGroup targetGroup;

    /** @param scope the {@code Registry} scope the resources are made in */
    public RegistryLoadBalancer(Construct scope, Props props) {
        this.scope = scope;
        this.https = props.certificate() != null;
        this.loadBalancer = createLoadBalancer(props);
        this.targetGroup = createTargetGroup(props);
        createListeners(props, targetGroup);
    }

    public ApplicationLoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** The registry tasks behind the load balancer. */
    public ApplicationTargetGroup targetGroup() {
        return targetGroup;
    }

    public boolean https() {
        return https;
    }

    private ApplicationLoadBalancer createLoadBalancer(Props props) {
        SecurityGroup securityGroup = SecurityGroup.Builder.create(scope, "LoadBalancerSecurityGroup")
                .vpc(props.vpc())
                .description("Berth load balancer: registry clients in")
                .allowAllOutbound(false)
                .build();
        List<Integer> ports = https ? List.of(80, 443) : List.of(80);
        for (String cidr : props.allowedClientCidrs()) {
            for (int port : ports) {
                securityGroup.addIngressRule(Peer.ipv4(cidr), Port.tcp(port), "registry clients");
            }
        }
        NagSuppressions.addResourceSuppressions(securityGroup, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-EC23")
                .reason("A registry serves clients from anywhere by default, each of them authenticated by the "
                        + "registry (users from the stack's settings); narrow it with the allowedClientCidrs setting.")
                .build()));
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.Builder.create(scope, "LoadBalancer")
                .vpc(props.vpc())
                .vpcSubnets(props.subnets())
                .internetFacing(true)
                .securityGroup(securityGroup)
                .idleTimeout(IDLE_TIMEOUT)
                .dropInvalidHeaderFields(true)
                .deletionProtection(props.deletionProtection())
                .build();
        if (!props.deletionProtection()) {
            Nag.acknowledge(alb, "loadBalancerDeletionProtection is off by default: the load balancer holds no data "
                    + "(images are in the retained bucket), a Route 53 alias follows a new one, and cdk destroy must "
                    + "not stop half-way on it. Turn it on when clients use its DNS name through your own CNAME.",
                    Nag.NIST + "ELBDeletionProtectionEnabled");
        }
        Nag.acknowledge(alb, "No WAF web ACL ($5/month plus rules and requests): every request is an authenticated "
                + "registry API call whose bodies are image layers, which managed rule sets' body inspection does "
                + "not fit; the registry itself limits failed logins per client address and requests in flight.",
                Nag.NIST + "ALBWAFEnabled");
        // Bridge mode maps the container port to a dynamic host port from this range; only
        // the load balancer may reach it.
        alb.getConnections().allowTo(props.hostSecurityGroup(), HOST_PORTS, "load balancer to registry tasks");
        alb.logAccessLogs(props.accessLogs(), "load-balancer");
        return alb;
    }

    /**
     * The port-80 listener keeps one id whether it forwards (no domain) or redirects to HTTPS, so
     * adding or removing a domain later updates it in place: a second listener on port 80 would
     * fail the deployment. The target group stands apart from the listeners for the same reason.
     */
    private void createListeners(Props props, ApplicationTargetGroup registry) {
        // Not "open": clients come only from allowedClientCidrs, on port 80 as on 443.
        BaseApplicationListenerProps.Builder http = BaseApplicationListenerProps.builder()
                .protocol(ApplicationProtocol.HTTP)
                .port(80)
                .open(false);
        if (!https) {
            Annotations.of(scope).addWarningV2("berth:no-tls",
                    "NO DOMAIN CONFIGURED: the registry is served over plain HTTP. Passwords (docker login "
                            + "sends them), tokens, pushes and pulls cross the network unencrypted, and Docker "
                            + "clients need it listed in insecure-registries. Set domainName with hostedZoneId+"
                            + "hostedZoneName or certificateArn for HTTPS.");
            ApplicationListener plain = loadBalancer.addListener("Http",
                    http.defaultTargetGroups(List.of(registry)).build());
            Nag.acknowledge(plain, "No domain configured, so no certificate: plain HTTP by the operator's choice, "
                    + "warned about loudly at synth (berth:no-tls). Set domainName for HTTPS.",
                    Nag.NIST + "ALBHttpToHttpsRedirection", Nag.NIST + "ELBv2ACMCertificateRequired");
            return;
        }
        ApplicationListener redirect = loadBalancer.addListener("Http", http.defaultAction(ListenerAction.redirect(
                RedirectOptions.builder()
                        .protocol("HTTPS")
                        .port("443")
                        .permanent(true)
                        .build())).build());
        Nag.acknowledge(redirect, "The port-80 listener only redirects to HTTPS on 443, which has the certificate.",
                Nag.NIST + "ELBv2ACMCertificateRequired");
        loadBalancer.addListener("Https", BaseApplicationListenerProps.builder()
                .protocol(ApplicationProtocol.HTTPS)
                .port(443)
                .certificates(List.of(ListenerCertificate.fromCertificateManager(props.certificate())))
                .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .open(false)
                .defaultTargetGroups(List.of(registry))
                .build());
    }

    private ApplicationTargetGroup createTargetGroup(Props props) {
        return ApplicationTargetGroup.Builder.create(scope, "RegistryTargets")
                .vpc(props.vpc())
                .protocol(ApplicationProtocol.HTTP)
                .targetType(TargetType.INSTANCE)
                .targets(List.of(props.target()))
                .healthCheck(HealthCheck.builder()
                        .path(RegistryTask.HEALTH_PATH)
                        .healthyHttpCodes("200")
                        .interval(Duration.seconds(15))
                        .healthyThresholdCount(2)
                        .build())
                .deregistrationDelay(Duration.seconds(RegistryTask.DRAIN_TIMEOUT.toSeconds()))
                .build();
    }
}
