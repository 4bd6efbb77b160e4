package dev.berth.cdk.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.berth.cdk.App;
import dev.berth.cdk.Scenarios;
import dev.berth.cdk.Synth;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.Ec2TaskDefinition;

/** The image asset: built from registry-image/, for the hosts' CPU, hashed as .dockerignore says. */
class RegistryImageTest {

    private static final Pattern HASH = Pattern.compile("container-assets-.*?:([0-9a-f]{64})");

    @Test
    void imageIsBuiltFromRegistryImageUnderTheProjectRoot() {
        Path root = App.projectRoot();
        assertTrue(Files.isRegularFile(root.resolve("cdk.json")));
        assertEquals(root.resolve("registry-image"), root.resolve("registry-image").normalize());
        assertTrue(Files.isDirectory(root.resolve("registry-image")));
        if (Files.isRegularFile(root.resolve("registry-image/Dockerfile"))) {
            assertEquals(root.resolve("registry-image"), Synth.imageDirectory());
        }
    }

    @Test
    void imageIsBuiltForTheHostsCpu() throws IOException {
        assertEquals("linux/amd64", platformInAssembly(Scenarios.defaults()));
        assertEquals("linux/arm64", platformInAssembly(Scenarios.privateArmImported()));
    }

    @Test
    void buildOutputIgnoredByDockerignoreDoesNotChangeTheHash(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY app.txt /\n");
        Files.writeString(dir.resolve(".dockerignore"), "target/\n");
        Files.writeString(dir.resolve("app.txt"), "v1\n");
        String clean = hashOf(dir);
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("target/registry.jar"), "built\n");
        assertEquals(clean, hashOf(dir), "target/ must not change the image");
        Files.writeString(dir.resolve("app.txt"), "v2\n");
        assertNotEquals(clean, hashOf(dir), "a source change must");
    }

    private static String hashOf(Path dir) {
        Stack stack = new Stack(new software.amazon.awscdk.App(), "Image");
        Ec2TaskDefinition task = new Ec2TaskDefinition(stack, "Task");
        task.addContainer("registry", ContainerDefinitionOptions.builder()
                .image(RegistryTask.registryImage(dir.toString(), Platform.LINUX_AMD64))
                .memoryLimitMiB(256)
                .build());
        Matcher m = HASH.matcher(Template.fromStack(stack).toJSON().toString());
        assertTrue(m.find());
        return m.group(1);
    }

    private static String platformInAssembly(Synth synth) throws IOException {
        var artifact = synth.app().synth().getStackByName(dev.berth.cdk.RegistryStack.STACK_NAME);
        String assets = Files.readString(Path.of(artifact.getAssembly().getDirectory(),
                dev.berth.cdk.RegistryStack.STACK_NAME + ".assets.json"));
        Matcher m = Pattern.compile("\"platform\": \"([^\"]+)\"").matcher(assets);
        assertTrue(m.find(), assets);
        return m.group(1);
    }
}
