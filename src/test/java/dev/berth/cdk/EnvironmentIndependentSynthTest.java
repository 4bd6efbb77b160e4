package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two reviewers, two shells, one template: the app's own {@code main} is run as the CDK CLI runs
 * it (a child JVM given cdk.json's context in CDK_CONTEXT_JSON and an output directory in
 * CDK_OUTDIR), once with no AWS variables and once with a deployer's CDK_DEFAULT_ACCOUNT,
 * CDK_DEFAULT_REGION and AWS_REGION. The templates must be byte-identical and the assembly must
 * ask the CLI for no context lookup (which is what writes cdk.context.json).
 */
class EnvironmentIndependentSynthTest {

    private static final String ACCOUNT = "123456789012";
    private static final String OTHER_REGION = "eu-west-1";

    @Test
    void theTemplateIsTheSameWithAndWithoutTheDeployersAwsEnvironment(@TempDir Path work) throws Exception {
        Path bare = synth(work.resolve("bare"), Map.of());
        Path deployer = synth(work.resolve("deployer"), Map.of("CDK_DEFAULT_ACCOUNT", ACCOUNT,
                "CDK_DEFAULT_REGION", OTHER_REGION, "AWS_REGION", OTHER_REGION, "AWS_DEFAULT_REGION", OTHER_REGION));

        String a = Files.readString(template(bare));
        String b = Files.readString(template(deployer));
        assertEquals(a, b, "the template depends on the deployer's AWS environment");
        assertFalse(b.contains(ACCOUNT), "the deployer's account is in the template");
        assertFalse(b.contains(OTHER_REGION), "the deployer's region is in the template");
        assertTrue(b.contains("\"Fn::GetAZs\""), "availability zones are not left to CloudFormation");
        for (Path out : new Path[] {bare, deployer}) {
            Map<?, ?> manifest = new ObjectMapper().readValue(out.resolve("manifest.json").toFile(), Map.class);
            assertNull(manifest.get("missing"), "the synth asks the CLI for context lookups: " + manifest.get("missing"));
            Map<?, ?> stack = (Map<?, ?>) ((Map<?, ?>) manifest.get("artifacts")).get(RegistryStack.STACK_NAME);
            assertEquals("aws://unknown-account/us-east-1", stack.get("environment"));
        }
    }

    private static Path template(Path out) {
        return out.resolve(RegistryStack.STACK_NAME + ".template.json");
    }

    /** Runs {@link App#main} with cdk.json's context, as {@code cdk synth} does. */
    private static Path synth(Path out, Map<String, String> awsEnvironment) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = out.resolveSibling(out.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                App.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("CDK_"));
        env.put("CDK_OUTDIR", out.toString());
        env.put("CDK_CONTEXT_JSON", new ObjectMapper().writeValueAsString(Synth.cdkJsonContext()));
        env.putAll(awsEnvironment);
        Process p = builder.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("synth took over 240 s:\n" + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "synth failed:\n" + Files.readString(log));
        return out;
    }
}
