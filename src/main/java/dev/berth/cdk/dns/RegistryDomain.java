package dev.berth.cdk.dns;

import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationLoadBalancer;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.HostedZone;
import software.amazon.awscdk.services.route53.HostedZoneAttributes;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.LoadBalancerTarget;
import software.constructs.Construct;

/**
 * The registry's name: a TLS certificate (an existing one by ARN, or a new one DNS-validated
 * in the hosted zone) and an alias record pointing the name at the load balancer. The zone is
 * imported by id and name, not looked up, so synth needs no AWS account.
 */
public class RegistryDomain extends Construct {

    /**
     * @param hostedZoneId   empty when DNS is managed elsewhere (then certificateArn is required)
     * @param certificateArn empty to create a DNS-validated certificate in the hosted zone
     */
    public record Props(String domainName, String hostedZoneId, String hostedZoneName, String certificateArn) {
    }

    private final String domainName;
    private final IHostedZone zone;
    private final ICertificate certificate;

    public RegistryDomain(Construct scope, String id, Props props) {
        super(scope, id);
        this.domainName = props.domainName();
        this.zone = props.hostedZoneId().isEmpty() ? null : HostedZone.fromHostedZoneAttributes(this, "Zone",
                HostedZoneAttributes.builder()
                        .hostedZoneId(props.hostedZoneId())
                        .zoneName(props.hostedZoneName())
                        .build());
        this.certificate = props.certificateArn().isEmpty()
                ? Certificate.Builder.create(this, "Certificate")
                        .domainName(domainName)
                        .validation(CertificateValidation.fromDns(zone))
                        .build()
                : Certificate.fromCertificateArn(this, "Certificate", props.certificateArn());
    }

    public String domainName() {
        return domainName;
    }

    public ICertificate certificate() {
        return certificate;
    }

    /** Points the name at the load balancer; without a hosted zone, DNS is the operator's job. */
    public void aliasTo(IApplicationLoadBalancer loadBalancer) {
        if (zone == null) {
            return;
        }
        ARecord.Builder.create(this, "Alias")
                .zone(zone)
                .recordName(domainName + ".")
                .target(RecordTarget.fromAlias(new LoadBalancerTarget(loadBalancer)))
                .build();
    }
}
