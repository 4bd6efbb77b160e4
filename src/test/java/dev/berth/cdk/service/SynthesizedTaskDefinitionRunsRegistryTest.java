package dev.berth.cdk.service;

import static dev.berth.cdk.Json.at;
import static dev.berth.cdk.Json.list;
import static dev.berth.cdk.Json.onlyProps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.berth.cdk.Synth;
import dev.berth.cdk.access.TemplateAccess;
import software.amazon.awscdk.assertions.Template;

/**
 * The two halves cannot drift apart: the registry jar built by {@code registry-image/} is started
 * with exactly the environment the synthesized task definition gives the container, against a
 * local S3 (S3Proxy) and a local stand-in for SSM and Secrets Manager holding the access
 * parameter and the user secrets as the stack fills them: an anonymous push is refused, the
 * admin logs in with the password from its secret (the bearer-token flow), and an image is
 * pushed and pulled back byte-identical. A setting the
 * CDK app renders that the registry does not know, a value it rejects, or a health check path it
 * does not answer fails here, not on the first deploy.
 *
 * <p>Needs {@code registry-image/target/registry.jar} and the S3Proxy jar beside it (built by
 * {@code mvn -f registry-image/pom.xml verify}, which {@code ./test-all} runs first) and skopeo.
 */
class SynthesizedTaskDefinitionRunsRegistryTest {

    private static final String BUCKET_KEY = "REGISTRY_STORAGE_S3_BUCKET";
    /** What ECS injects from Secrets Manager, with the test's stand-in values. */
    private static final List<String> KNOWN_SECRETS =
            List.of("REGISTRY_AUTH_BEARER_SIGNINGKEY", "REGISTRY_HTTP_SECRET");
    private static final String REPOSITORY = "berth/drift-check";
    private static final String TAG = "1.0";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void registryJarRunsWithTheTemplatesEnvironmentAndServesPushAndPull(@TempDir Path work) throws Exception {
        long started = System.nanoTime();
        Template template = Synth.defaults().template();
        Map<String, Object> rendered = RenderedContainer.environment(template);
        String bucket = "berth-drift-" + ProcessHandle.current().pid();
        Map<String, String> fromTemplate = literalEnvironment(template, rendered, bucket);
        assertHttpAddrIsTheMappedContainerPort(template, fromTemplate);
        String healthPath = targetGroupHealthCheckPath(template);
        long synthesized = System.nanoTime();

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path registryJar = RegistryArtifacts.registryJar();
        String adminPassword = randomHex(16);
        try (S3ProxyProcess s3 = S3ProxyProcess.start(work, java);
                AwsStandIn aws = usersInAws(template, fromTemplate, adminPassword)) {
            Path bucketDir = s3.createBucket(bucket);
            int port = Ports.free();
            Map<String, String> env = new TreeMap<>(fromTemplate);
            env.putAll(secrets(RenderedContainer.secretNames(template)));
            env.putAll(testOnly(port, s3, aws));
            Path registryLog = work.resolve("registry.log");
            Process registry = startRegistry(java, registryJar, env, registryLog);
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitHealthy(registry, base.resolve(healthPath), registryLog, s3);

                Path pushed = work.resolve("pushed");
                byte[] content = ("pushed by " + getClass().getSimpleName() + "\n").getBytes(StandardCharsets.UTF_8);
                OciLayout.write(pushed, TAG, "hello.txt", content);
                String host = "127.0.0.1:" + port;
                String target = "docker://" + host + "/" + REPOSITORY + ":" + TAG;
                // Private by default: no push and no pull without a login.
                assertEquals(401, get(base.resolve("/v2/" + REPOSITORY + "/tags/list")), "an anonymous listing");
                assertNotEquals(0, skopeoExit(work, "copy", "--dest-tls-verify=false", "oci:" + pushed + ":" + TAG,
                        target), "an anonymous push must fail");
                // The login the DockerLogin output prints, with the password from the admin's secret.
                Path authFile = work.resolve("auth.json");
                skopeo(work, "login", "--tls-verify=false", "--authfile", authFile.toString(), "--username", "admin",
                        "--password", adminPassword, host);
                skopeo(work, "copy", "--dest-tls-verify=false", "--dest-authfile", authFile.toString(),
                        "oci:" + pushed + ":" + TAG, target);
                Path pulled = work.resolve("pulled");
                skopeo(work, "copy", "--src-tls-verify=false", "--src-authfile", authFile.toString(), target,
                        "oci:" + pulled + ":" + TAG);

                assertEquals(OciLayout.manifestDigest(pushed, TAG), OciLayout.manifestDigest(pulled, TAG),
                        "manifest digest after a round trip");
                assertSameBlobs(OciLayout.blobs(pushed), OciLayout.blobs(pulled));
                assertTrue(hasFiles(bucketDir), "the registry wrote nothing to the S3 bucket " + bucket
                        + "; it stored the image elsewhere:\n" + Files.readString(registryLog));
                assertEquals(200, get(base.resolve(healthPath)),
                        "the load balancer's health check path " + healthPath + " after a push");
                assertEquals(0, containerHealthCheck(template, env, work), "ECS's health check on a healthy registry");
            } finally {
                Processes.stop(registry);
            }
            assertNotEquals(0, containerHealthCheck(template, env, work), "ECS's health check with the registry down");
            String log = Files.readString(registryLog);
            assertNoIgnoredTemplateKeys(log, fromTemplate.keySet());
            assertTrue(log.contains("auth: aws"), "the registry did not take its users from auth.aws:\n" + log);
            assertFalse(log.contains(adminPassword), "the admin password appears in the registry's log");
        }
        System.out.printf("%s: synth (shared with other tests) %.1f s, S3Proxy + registry + push + pull %.1f s%n",
                getClass().getSimpleName(), (synthesized - started) / 1e9, (System.nanoTime() - synthesized) / 1e9);
    }

    /**
     * Runs the task definition's ECS health check command as Docker would inside the container:
     * the exec form's argv, with the container's environment (here pointing at the test's port).
     */
    private static int containerHealthCheck(Template template, Map<String, String> env, Path work) throws Exception {
        List<Object> command = list(at(RenderedContainer.definition(template), "HealthCheck", "Command"));
        assertEquals("CMD", command.get(0), "the exec form, run without a shell of Docker's: " + command);
        Path out = Files.createTempFile(work, "healthcheck", ".log");
        ProcessBuilder builder = new ProcessBuilder(command.subList(1, command.size()).stream().map(String::valueOf)
                .toList()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the health check command took over 10 s:\n" + Files.readString(out));
        }
        return p.exitValue();
    }

    /**
     * The container's environment exactly as rendered. The only non-literal the CDK app may put
     * there is the image bucket's {@code Ref} in {@value #BUCKET_KEY}, replaced by the test bucket;
     * any other token would be something the registry would see unresolved, so it fails here.
     */
    static Map<String, String> literalEnvironment(Template template, Map<String, Object> rendered, String bucket) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (var e : rendered.entrySet()) {
            if (e.getValue() instanceof String s) {
                env.put(e.getKey(), s);
            } else if (e.getKey().equals(BUCKET_KEY) && isRefToBucket(template, e.getValue())) {
                env.put(e.getKey(), bucket);
            } else {
                problems.add(e.getKey() + "=" + e.getValue());
            }
        }
        if (!problems.isEmpty()) {
            fail("non-literal container environment the test cannot map (only " + BUCKET_KEY
                    + " may be a Ref, to the image bucket): " + problems);
        }
        if (!env.containsKey(BUCKET_KEY)) {
            fail("the container environment names no " + BUCKET_KEY + ": " + rendered);
        }
        List<String> foreign = env.keySet().stream().filter(k -> !k.startsWith("REGISTRY_")).toList();
        assertEquals(List.of(), foreign, "container environment outside the registry's REGISTRY_* settings");
        return env;
    }

    private static boolean isRefToBucket(Template template, Object value) {
        if (!(value instanceof Map<?, ?> m) || m.size() != 1 || !(m.get("Ref") instanceof String id)) {
            return false;
        }
        Object resource = at(template.toJSON(), "Resources", id);
        return resource != null && "AWS::S3::Bucket".equals(at(resource, "Type"));
    }

    /**
     * The container listens where the port mapping (and so the load balancer) sends traffic. The
     * test itself moves the address to 127.0.0.1, so this is the one rendered value it checks by reading.
     */
    private static void assertHttpAddrIsTheMappedContainerPort(Template template, Map<String, String> env) {
        List<Object> mappings = list(at(RenderedContainer.definition(template), "PortMappings"));
        assertEquals(1, mappings.size(), "port mappings: " + mappings);
        Object containerPort = at(mappings.get(0), "ContainerPort");
        String addr = env.get("REGISTRY_HTTP_ADDR");
        assertEquals(String.valueOf(containerPort), addr == null ? null : addr.substring(addr.lastIndexOf(':') + 1),
                "REGISTRY_HTTP_ADDR " + addr + " against the container port mapping");
    }

    private static String targetGroupHealthCheckPath(Template template) {
        Map<String, Object> tg = onlyProps(template, "AWS::ElasticLoadBalancingV2::TargetGroup");
        assertEquals("200", at(tg, "Matcher", "HttpCode"), "the target group's healthy codes");
        return (String) tg.get("HealthCheckPath");
    }

    /** What ECS injects from Secrets Manager at container start; random stand-ins here. */
    private static Map<String, String> secrets(List<String> names) {
        assertEquals(KNOWN_SECRETS, names, "ECS secrets of the container: give new ones a stand-in value here");
        Map<String, String> values = new TreeMap<>();
        for (String name : names) {
            values.put(name, randomHex(32));
        }
        return values;
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * SSM and Secrets Manager as the stack fills them: the access parameter's document (each
     * user's secret by a stand-in ARN) and the admin's password; other users get random ones.
     */
    private static AwsStandIn usersInAws(Template template, Map<String, String> env, String adminPassword)
            throws IOException {
        String parameter = env.get("REGISTRY_AUTH_AWS_PARAMETER");
        assertTrue(parameter != null && !parameter.isBlank(), "the container is not told its access parameter: " + env);
        Map<String, Object> document = TemplateAccess.document(template);
        Map<String, String> secrets = new TreeMap<>();
        TemplateAccess.userSecrets(template).forEach((id, user) ->
                secrets.put("arn-of:" + id, user.equals("admin") ? adminPassword : randomHex(16)));
        return AwsStandIn.start(Map.of(parameter, new ObjectMapper().writeValueAsString(document)), secrets);
    }

    /** Settings that exist only because this runs on a developer machine instead of ECS. */
    private static Map<String, String> testOnly(int port, S3ProxyProcess s3, AwsStandIn aws) {
        Map<String, String> env = new LinkedHashMap<>();
        // The container's ":5000" would bind every interface of this machine (and may be taken):
        // a loopback address on a free port instead. Its port is checked against the mapping above.
        env.put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        // Local S3 instead of the region's endpoint. The scheme in the URL makes it plain HTTP, so
        // REGISTRY_STORAGE_S3_SECURE is not needed.
        env.put("REGISTRY_STORAGE_S3_REGIONENDPOINT", s3.endpoint().toString());
        env.put("REGISTRY_STORAGE_S3_FORCEPATHSTYLE", "true");
        // In production the task role supplies credentials; there are no keys in the task definition.
        env.put("REGISTRY_STORAGE_S3_ACCESSKEY", S3ProxyProcess.ACCESS_KEY);
        env.put("REGISTRY_STORAGE_S3_SECRETKEY", S3ProxyProcess.SECRET_KEY);
        // SSM and Secrets Manager on this machine; the task role's credentials stood in for by keys
        // the stand-in accepts (it does not check signatures).
        env.put("REGISTRY_AUTH_AWS_ENDPOINT", aws.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", "berth-test");
        env.put("AWS_SECRET_ACCESS_KEY", "berth-test-secret");
        // The image's Dockerfile sets this (ENV REGISTRY_CONFIGURATION_PATH=/etc/berth/config.yml,
        // a copy of registry-image/config.yml): the container reads that file under the task's variables.
        env.put("REGISTRY_CONFIGURATION_PATH", RegistryArtifacts.imageConfigFile().toString());
        return env;
    }

    private static Process startRegistry(Path java, Path jar, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> childEnv = builder.environment();
        // Nothing of this machine's AWS setup or registry settings may reach the registry: only
        // what the task definition (plus the image and the test's stand-ins above) gives it.
        childEnv.keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("REGISTRY_")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
        childEnv.putAll(env);
        return builder.start();
    }

    private static void awaitHealthy(Process registry, URI health, Path log, S3ProxyProcess s3) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        int status = -1;
        while (System.nanoTime() < deadline) {
            if (!registry.isAlive()) {
                fail("the registry exited with " + registry.exitValue() + " under the template's environment:\n"
                        + Files.readString(log));
            }
            status = get(health);
            if (status == 200) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the registry did not answer 200 on " + health + " within 45 s (last status " + status + "):\n"
                + Files.readString(log) + "\nS3Proxy:\n" + s3.log());
    }

    private static int get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void skopeo(Path work, String... args) throws Exception {
        Path out = Files.createTempFile(work, "skopeo", ".log");
        int exit = skopeoExit(work, out, args);
        assertEquals(0, exit, "skopeo " + String.join(" ", args) + ":\n" + Files.readString(out));
    }

    private static int skopeoExit(Path work, String... args) throws Exception {
        return skopeoExit(work, Files.createTempFile(work, "skopeo", ".log"), args);
    }

    private static int skopeoExit(Path work, Path out, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("skopeo is needed to push and pull (apt-get install skopeo)", e);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " took over 60 s:\n" + Files.readString(out));
        }
        return p.exitValue();
    }

    private static void assertSameBlobs(Map<String, byte[]> pushed, Map<String, byte[]> pulled) {
        assertEquals(pushed.keySet(), pulled.keySet(), "blobs after a round trip");
        for (var e : pushed.entrySet()) {
            assertArrayEquals(e.getValue(), pulled.get(e.getKey()), "blob " + e.getKey());
            assertEquals(e.getKey(), OciLayout.digest(pulled.get(e.getKey())), "pulled blob matches its digest");
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.anyMatch(Files::isRegularFile);
        }
    }

    /**
     * The registry reports each setting it does not use as a warning naming the variable that set
     * it ("... unknown key, ignored (set by REGISTRY_...)" or "not supported by Berth"). None of the
     * template's variables may be among them.
     */
    private static void assertNoIgnoredTemplateKeys(String log, Iterable<String> templateKeys) {
        List<String> ignored = new ArrayList<>();
        for (String line : log.lines().toList()) {
            if (line.contains("unknown key") || line.contains("not supported by Berth")) {
                ignored.add(line);
                continue;
            }
            for (String key : templateKeys) {
                // A text line says WARN, a JSON line (the registry's format off a terminal) "level":"warn".
                boolean warning = line.contains("WARN") || line.contains("\"level\":\"warn\"");
                if (warning && line.contains("(set by " + key + ")")) {
                    ignored.add(line);
                }
            }
        }
        assertEquals(List.of(), ignored, "settings from the task definition the registry ignores");
    }
}
