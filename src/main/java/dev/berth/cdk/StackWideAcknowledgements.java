package dev.berth.cdk;

import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Stack;

/**
 * NIST 800-53 R5 findings that are one design decision for the whole stack, each acknowledged
 * once with its reason (the template's root Metadata carries them). Findings about one resource
 * are acknowledged beside the code that makes it.
 */
final class StackWideAcknowledgements {

    private StackWideAcknowledgements() {
    }

    static void apply(Stack stack) {
        NagSuppressions.addStackSuppressions(stack, Nag.because(
                "No customer managed KMS keys: buckets use SSE-S3 (ALB log delivery supports nothing else, and "
                        + "SSE-KMS on the image bucket would bill a KMS request for every blob read and write while "
                        + "only the task role reads it), log groups and secrets use the AWS-owned and AWS managed "
                        + "keys. A key per resource would cost $1/month each and add key policies, for no access "
                        + "separation the IAM policies do not already give.",
                Nag.NIST + "S3DefaultEncryptionKMS", Nag.NIST + "CloudWatchLogGroupEncrypted",
                Nag.NIST + "SecretsManagerUsingKMSKey"));
        NagSuppressions.addStackSuppressions(stack, Nag.because(
                "No cross-region replication: S3 already stores every object in at least three AZs, versioning "
                        + "(image bucket) keeps deleted and overwritten images restorable, and a replica would "
                        + "double the storage cost. Add replication outside this stack if a region loss must be "
                        + "survived.",
                Nag.NIST + "S3BucketReplicationEnabled"));
        NagSuppressions.addStackSuppressions(stack, Nag.because(
                "Each role's policy is its own (CDK's DefaultPolicy, or inline on the task role): least-privilege "
                        + "statements scoped to this stack's resources that live and die with their single role. "
                        + "A customer managed policy would be a separately attachable object for no gain.",
                Nag.NIST + "IAMNoInlinePolicy"));
    }
}
