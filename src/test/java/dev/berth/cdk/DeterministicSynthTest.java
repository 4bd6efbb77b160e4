package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/** Same source, same bytes: what makes {@code cdk diff} usable in code review. */
class DeterministicSynthTest {

    private static final Pattern ASSET_HASH = Pattern.compile("container-assets-.*?:([0-9a-f]{64})\"");

    @Test
    void twoSynthsGiveByteIdenticalTemplatesAndTheSameAssetHash() throws IOException {
        CloudFormationStackArtifact first = artifact(Synth.fresh(Map.of()));
        CloudFormationStackArtifact second = artifact(Synth.fresh(Map.of()));
        byte[] a = Files.readAllBytes(Path.of(first.getTemplateFullPath()));
        byte[] b = Files.readAllBytes(Path.of(second.getTemplateFullPath()));
        if (!java.util.Arrays.equals(a, b)) {
            Files.write(Path.of("target", "nondeterministic-1.template.json"), a);
            Files.write(Path.of("target", "nondeterministic-2.template.json"), b);
        }
        assertArrayEquals(a, b, "templates differ between two synths (both in target/nondeterministic-*)");
        assertEquals(assetHash(a), assetHash(b));

        Path assetsA = Path.of(first.getAssembly().getDirectory(), RegistryStack.STACK_NAME + ".assets.json");
        Path assetsB = Path.of(second.getAssembly().getDirectory(), RegistryStack.STACK_NAME + ".assets.json");
        assertEquals(Files.readString(assetsA), Files.readString(assetsB));
    }

    private static CloudFormationStackArtifact artifact(Synth synth) {
        return synth.app().synth().getStackByName(RegistryStack.STACK_NAME);
    }

    private static String assetHash(byte[] template) {
        Matcher m = ASSET_HASH.matcher(new String(template, java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(m.find(), "no image asset in template");
        return m.group(1);
    }
}
