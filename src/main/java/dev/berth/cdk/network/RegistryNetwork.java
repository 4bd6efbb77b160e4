package dev.berth.cdk.network;

import java.util.ArrayList;
import java.util.List;

import dev.berth.cdk.Nag;
import dev.berth.cdk.Required;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The VPC over two AZs. By default only public subnets and no NAT gateway: hosts get public
 * IPs but their security group admits only the load balancer, and all blob traffic to S3 goes
 * through the free gateway endpoint. With {@code privateHosts} the hosts move to private
 * subnets behind one NAT gateway.
 */
public class RegistryNetwork extends Construct {

    /**
     * Made with {@link #builder()}.
     *
     * @param privateHosts     hosts in private subnets behind one NAT gateway; default false (public subnets, no NAT)
     * @param flowLogRetention how long the VPC flow log is kept; required
     */
    public record Props(boolean privateHosts, RetentionDays flowLogRetention) {

        public Props {
            Required.prop(flowLogRetention, "RegistryNetwork.Props", "flowLogRetention");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private boolean privateHosts;
            private RetentionDays flowLogRetention;

            public Builder privateHosts(boolean privateHosts) { this.privateHosts = privateHosts; return this; }
            public Builder flowLogRetention(RetentionDays retention) { this.flowLogRetention = retention; return this; }

            public Props build() {
                return new Props(privateHosts, flowLogRetention);
            }
        }
    }

    private final Vpc vpc;
    private final boolean privateHosts;

    public RegistryNetwork(Construct scope, String id, Props props) {
        super(scope, id);
        this.privateHosts = props.privateHosts();
        this.vpc = createVpc();
        createS3Endpoint();
        createFlowLog(props.flowLogRetention());
        acknowledgeFindings();
    }

    public IVpc vpc() {
        return vpc;
    }

    /** Where the ECS hosts live. */
    public SubnetSelection hostSubnets() {
        return SubnetSelection.builder()
                .subnetType(privateHosts ? SubnetType.PRIVATE_WITH_EGRESS : SubnetType.PUBLIC)
                .build();
    }

    /** Where the internet-facing load balancer lives. */
    public SubnetSelection loadBalancerSubnets() {
        return SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build();
    }

    private Vpc createVpc() {
        List<SubnetConfiguration> subnets = new ArrayList<>();
        // Only hosts in public subnets need an address on launch; the ALB and the NAT gateway bring their own.
        subnets.add(SubnetConfiguration.builder().name("Public").subnetType(SubnetType.PUBLIC).cidrMask(24)
                .mapPublicIpOnLaunch(!privateHosts).build());
        if (privateHosts) {
            subnets.add(SubnetConfiguration.builder()
                    .name("Private").subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(24).build());
        }
        return Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.40.0.0/16"))
                .maxAzs(2)
                .natGateways(privateHosts ? 1 : 0)
                .subnetConfiguration(subnets)
                // Nothing uses the default security group: CDK's custom resource removes its rules,
                // so nothing placed in it by mistake can talk to anything.
                .restrictDefaultSecurityGroup(true)
                .build();
    }

    private void acknowledgeFindings() {
        for (ISubnet subnet : vpc.getPublicSubnets()) {
            Nag.acknowledgeWithChildren(subnet, "The public subnets route 0.0.0.0/0 to the internet gateway: the "
                    + "internet-facing load balancer lives there (and the NAT gateway or, by default, the hosts).",
                    Nag.NIST + "VPCNoUnrestrictedRouteToIGW");
            if (!privateHosts) {
                Nag.acknowledgeWithChildren(subnet, "natMode=none (the default, no NAT gateway cost): the hosts "
                        + "live in the public subnets and reach ECR, ECS and Secrets Manager over their public "
                        + "address; their security group admits only the load balancer. natMode=gateway turns "
                        + "the auto-assignment off.", Nag.NIST + "VPCSubnetAutoAssignPublicIpDisabled");
            }
        }
    }

    /** Free, and keeps layer pushes and pulls off the NAT gateway and the public internet. */
    private GatewayVpcEndpoint createS3Endpoint() {
        return vpc.addGatewayEndpoint("S3Endpoint", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3)
                .subnets(List.of(hostSubnets()))
                .build());
    }

    private void createFlowLog(RetentionDays retention) {
        LogGroup logGroup = LogGroup.Builder.create(this, "FlowLogGroup").retention(retention).build();
        vpc.addFlowLog("FlowLog", FlowLogOptions.builder()
                .destination(FlowLogDestination.toCloudWatchLogs(logGroup))
                .trafficType(FlowLogTrafficType.ALL)
                .build());
    }
}
