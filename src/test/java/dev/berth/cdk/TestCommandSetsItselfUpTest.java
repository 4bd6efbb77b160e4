package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands run unattended: its test command ({@code ./test-all}) installs the
 * clients the tests drive itself ({@code .ci/install-clients}, run here against stand-ins for
 * dpkg, id, sudo and apt-get that record what they are asked), {@code .ci/run} runs exactly that
 * command, and every npx call answers npm's install prompt with --yes.
 */
class TestCommandSetsItselfUpTest {

    private static final Path ROOT = App.projectRoot();

    @Test
    void asRootTheMissingClientsAreInstalledWithApt(@TempDir Path dir) throws Exception {
        Result r = installClients(dir, "0", false, "skopeo", "hey");
        assertEquals(0, r.exit, r.output);
        assertEquals(List.of("update -qq", "install -y -qq skopeo hey"), r.aptCalls);
    }

    @Test
    void withPasswordlessSudoTheyAreInstalledThroughSudo(@TempDir Path dir) throws Exception {
        Result r = installClients(dir, "1000", true, "docker-registry");
        assertEquals(0, r.exit, r.output);
        assertEquals(List.of("sudo:update -qq", "sudo:install -y -qq docker-registry"), r.aptCalls);
    }

    @Test
    void withoutRootNothingIsInstalledAndTheCommandToRunIsPrinted(@TempDir Path dir) throws Exception {
        Result r = installClients(dir, "1000", false, "skopeo");
        assertEquals(0, r.exit, r.output);
        assertEquals(List.of(), r.aptCalls);
        assertTrue(r.output.contains("run 'sudo apt-get install skopeo'"), r.output);
    }

    @Test
    void nothingMissingNothingInstalled(@TempDir Path dir) throws Exception {
        Result r = installClients(dir, "0", false);
        assertEquals(0, r.exit, r.output);
        assertEquals(List.of(), r.aptCalls);
    }

    @Test
    void ciRunsExactlyTheReadmesTestCommandWhichSetsItselfUp() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("\n    ./test-all "), "the README's test command");
        List<String> ciCommands = Files.readAllLines(ROOT.resolve(".ci/run")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("./test-all", ciCommands.get(ciCommands.size() - 1));
        assertFalse(ciCommands.stream().anyMatch(l -> l.contains("apt-get")), "CI must not set up more than test-all");
        assertTrue(Files.readString(ROOT.resolve("test-all")).contains("\n.ci/install-clients\n"));
    }

    @Test
    void everyNpxCallInTheReadmeAnswersTheInstallPrompt() throws IOException {
        Matcher m = Pattern.compile("npx(?: [^\\s`]+)*? aws-cdk@|npx aws-cdk@|npx cdk ")
                .matcher(Files.readString(ROOT.resolve("README.md")));
        int calls = 0;
        while (m.find()) {
            calls++;
            assertTrue(m.group().startsWith("npx --yes "), m.group());
        }
        assertTrue(calls >= 5, "npx calls found: " + calls);
    }

    private record Result(int exit, String output, List<String> aptCalls) { }

    /** Runs .ci/install-clients with stand-ins first on PATH; {@code missing} are the packages dpkg lacks. */
    private static Result installClients(Path dir, String uid, boolean sudoWorks, String... missing)
            throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("apt.log");
        Files.writeString(log, "");
        stub(bin, "dpkg", "for p in " + String.join(" ", missing) + "; do [ \"$2\" = \"$p\" ] && exit 1; done; exit 0");
        stub(bin, "id", "echo " + uid);
        stub(bin, "sudo", "[ \"$1\" = -n ] && shift; [ \"$1\" = true ] && exit " + (sudoWorks ? 0 : 1) + "; "
                + "SUDO=1 exec \"$@\"");
        stub(bin, "apt-get", "echo \"${SUDO:+sudo:}$*\" >> " + log);
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve(".ci/install-clients").toString())
                .redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().remove("SUDO");
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), output, Files.readAllLines(log));
    }

    private static void stub(Path bin, String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
