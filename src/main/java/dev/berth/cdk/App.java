package dev.berth.cdk;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NIST80053R5Checks;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/** Entry point of {@code cdk synth}: settings from context, one stack, cdk-nag, synth. */
public final class App {

    private App() {
    }

    public static void main(String[] args) {
        software.amazon.awscdk.App app = new software.amazon.awscdk.App();
        Settings settings = Settings.fromContext(app.getNode());
        new RegistryStack(app, RegistryStack.STACK_NAME, stackProps(settings), settings,
                projectRoot().resolve("registry-image"));
        addChecks(app);
        app.synth();
    }

    /** cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs: any unacknowledged finding fails synth. */
    public static void addChecks(software.amazon.awscdk.App app) {
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        Aspects.of(app).add(NIST80053R5Checks.Builder.create().verbose(true).build());
    }

    public static StackProps stackProps(Settings settings) {
        return StackProps.builder()
                .stackName(RegistryStack.STACK_NAME)
                .description("Berth: a private container registry (ECS on EC2, S3 storage, ALB)")
                .env(environment(settings))
                .build();
    }

    /**
     * The region setting, and never the CLI's CDK_DEFAULT_ACCOUNT or CDK_DEFAULT_REGION: the
     * template must be the same in every reviewer's shell as in the one that deploys. So the
     * stack is account-agnostic (its AZs are Fn::GetAZs, looked up by CloudFormation, not by
     * synth, so no cdk.context.json) and its region (ARNs, the ALB log principal) is pinned.
     */
    static Environment environment(Settings settings) {
        return Environment.builder().region(settings.region()).build();
    }

    /** The directory holding cdk.json, found from this class's location, not the working directory. */
    public static Path projectRoot() {
        try {
            Path dir = Path.of(App.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = dir; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("cdk.json"))) {
                    return p;
                }
            }
            throw new IllegalStateException("No cdk.json above " + dir);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
