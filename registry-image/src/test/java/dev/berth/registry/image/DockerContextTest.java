package dev.berth.registry.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The build context as .dockerignore filters it: the CDK asset hash is computed over it, so
 * build output and local data must stay out, and everything the Dockerfile copies must stay in.
 */
class DockerContextTest {

    private static final Pattern COPY_FROM_CONTEXT = Pattern.compile("^COPY\\s+(?!--from)(.+?)\\s+\\S+$", Pattern.MULTILINE);

    private static List<String> ignored() throws IOException {
        return Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }

    @Test
    void buildOutputLocalDataAndBenchmarkResultsAreOutsideTheContext() throws IOException {
        List<String> ignored = ignored();

        for (String path : List.of("target/", "data/", "bench/", ".idea/", "*.iml")) {
            assertTrue(ignored.contains(path), path + " must be in .dockerignore: " + ignored);
        }
        assertFalse(ignored.stream().anyMatch(line -> line.startsWith("!")),
                "no re-includes: the CDK's and Docker's readings of them differ");
    }

    @Test
    void everythingTheDockerfileCopiesIsInsideTheContext() throws IOException {
        List<String> ignored = ignored();
        Matcher copy = COPY_FROM_CONTEXT.matcher(Files.readString(Path.of("Dockerfile")));
        int sources = 0;
        while (copy.find()) {
            for (String source : copy.group(1).trim().split("\\s+")) {
                sources++;
                String path = source.endsWith("/") ? source : source + "/";
                assertTrue(Files.exists(Path.of(source)), source + " is copied but missing");
                assertFalse(ignored.stream().anyMatch(pattern -> path.startsWith(pattern) || pattern.equals(source)),
                        source + " is copied by the Dockerfile but excluded by .dockerignore");
            }
        }
        assertTrue(sources >= 3, "expected pom.xml, src/main and config.yml to be copied, found " + sources);
    }
}
