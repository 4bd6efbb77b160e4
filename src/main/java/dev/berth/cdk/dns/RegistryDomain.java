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

    /** Immutable; made with {@link #builder()}. */
    public static final class Props {
        private static final String NAME = "RegistryDomain.Props";
        private final String domainName;
        private final String hostedZoneId;
        private final String hostedZoneName;
        private final String certificateArn;

        private Props(Builder b) {
            this.domainName = Required.prop(b.domainName, NAME, "domainName");
            this.hostedZoneId = b.hostedZoneId == null ? "" : b.hostedZoneId;
            this.hostedZoneName = hostedZoneId.isEmpty()
                    ? (b.hostedZoneName == null ? "" : b.hostedZoneName)
                    : Required.prop(b.hostedZoneName, NAME + " with a hostedZoneId", "hostedZoneName");
            this.certificateArn = hostedZoneId.isEmpty()
                    ? Required.prop(b.certificateArn, NAME + " without a hostedZoneId", "certificateArn")
                    : (b.certificateArn == null ? "" : b.certificateArn);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** The registry's name. Required. */
        public String domainName() {
            return domainName;
        }

        /** The hosted zone for the alias record; default empty: DNS is managed elsewhere. */
        public String hostedZoneId() {
            return hostedZoneId;
        }

        /** The zone's name; required with a hostedZoneId. */
        public String hostedZoneName() {
            return hostedZoneName;
        }

        /** An existing certificate; default empty: a DNS-validated one in the hosted zone. Required without one. */
        public String certificateArn() {
            return certificateArn;
        }

        public static final class Builder {
            private String domainName;
            private String hostedZoneId;
            private String hostedZoneName;
            private String certificateArn;

            private Builder() {
            }

            public Builder domainName(String domainName) {
                this.domainName = domainName;
                return this;
            }

            public Builder hostedZoneId(String hostedZoneId) {
                this.hostedZoneId = hostedZoneId;
                return this;
            }

            public Builder hostedZoneName(String hostedZoneName) {
                this.hostedZoneName = hostedZoneName;
                return this;
            }

            public Builder certificateArn(String certificateArn) {
                this.certificateArn = certificateArn;
                return this;
            }

            public Props build() {
                return new Props(this);
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
