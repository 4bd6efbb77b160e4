package dev.berth.cdk;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
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
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        app.synth();
    }

    public static StackProps stackProps(Settings settings) {
        return StackProps.builder()
                .stackName(RegistryStack.STACK_NAME)
                .description("Berth: a private container registry (ECS on EC2, S3 storage, ALB)")
                .env(environment(settings, System.getenv("CDK_DEFAULT_ACCOUNT"), System.getenv("CDK_DEFAULT_REGION")))
                .build();
    }

    /**
     * The account only when the CLI knows it (so synth needs none); the region always, because
     * ALB access logging grants a per-region principal: the region setting, else the CLI's,
     * else us-east-1.
     */
    static Environment environment(Settings settings, String cliAccount, String cliRegion) {
        String region = !settings.region().isEmpty() ? settings.region()
                : cliRegion != null && !cliRegion.isBlank() ? cliRegion
                : "us-east-1";
        Environment.Builder env = Environment.builder().region(region);
        if (cliAccount != null && !cliAccount.isBlank()) {
            env.account(cliAccount);
        }
        return env.build();
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
