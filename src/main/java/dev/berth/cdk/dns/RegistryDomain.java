package dev.berth.cdk.dns;

import dev.berth.cdk.Required;
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
     * Made with {@link #builder()}.
     *
     * @param domainName     the registry's name; required
     * @param hostedZoneId   the hosted zone for the alias record; default empty: DNS is managed elsewhere
     * @param hostedZoneName the zone's name; required with a hostedZoneId
     * @param certificateArn an existing certificate; default empty: a DNS-validated one in the hosted
     *                       zone; required without one
     */
    public record Props(String domainName, String hostedZoneId, String hostedZoneName, String certificateArn) {
        private static final String NAME = "RegistryDomain.Props";

        public Props {
            Required.prop(domainName, NAME, "domainName");
            hostedZoneId = hostedZoneId == null ? "" : hostedZoneId;
            hostedZoneName = hostedZoneId.isEmpty()
                    ? (hostedZoneName == null ? "" : hostedZoneName)
                    : Required.prop(hostedZoneName, NAME + " with a hostedZoneId", "hostedZoneName");
            certificateArn = hostedZoneId.isEmpty()
                    ? Required.prop(certificateArn, NAME + " without a hostedZoneId", "certificateArn")
                    : (certificateArn == null ? "" : certificateArn);
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String domainName;
            private String hostedZoneId;
            private String hostedZoneName;
            private String certificateArn;

            public Builder domainName(String domainName) { this.domainName = domainName; return this; }
            public Builder hostedZoneId(String hostedZoneId) { this.hostedZoneId = hostedZoneId; return this; }
            public Builder hostedZoneName(String hostedZoneName) { this.hostedZoneName = hostedZoneName; return this; }
            public Builder certificateArn(String certificateArn) { this.certificateArn = certificateArn; return this; }

            public Props build() {
                return new Props(domainName, hostedZoneId, hostedZoneName, certificateArn);
            }
        }
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
