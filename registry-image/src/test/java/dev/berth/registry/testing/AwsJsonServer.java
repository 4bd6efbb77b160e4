package dev.berth.registry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the two AWS calls of {@code auth.aws}, speaking their real wire protocol
 * (AWS JSON 1.1: {@code POST /}, the operation in {@code X-Amz-Target}, JSON bodies, errors as
 * {@code {"__type": ...}}): {@code AmazonSSM.GetParameter} and
 * {@code secretsmanager.GetSecretValue}. The registry's real SDK clients, HTTP client and
 * request signing run against it; signatures are not verified, but the access key each request
 * was signed with is recorded, so a test can tell that the credentials it gave were used.
 * No AWS account, emulator or network is needed. Listens on 127.0.0.1 only.
 */
public final class AwsJsonServer implements AutoCloseable {

    public static final String ACCESS_KEY = "berth-test-key";
    public static final String SECRET_KEY = "berth-test-secret-key";
    public static final String REGION = "eu-west-1";
    private static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREDENTIAL = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/");

    private final HttpServer server;
    private final Map<String, String> parameters = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Set<String> accessKeys = ConcurrentHashMap.newKeySet();
    private volatile boolean failing;

    private AwsJsonServer(HttpServer server) {
        this.server = server;
    }

    public static AwsJsonServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        AwsJsonServer aws = new AwsJsonServer(http);
        http.createContext("/", aws::handle);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return aws;
    }

    /** The endpoint for both services ({@code auth.aws.endpoint}). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Creates or changes an SSM String parameter. */
    public void putParameter(String name, String value) {
        parameters.put(name, value);
    }

    /** Creates or changes a secret's SecretString; it is found by its name or its ARN. */
    public void putSecret(String name, String secretString) {
        secrets.put(name, secretString);
    }

    public void deleteSecret(String name) {
        secrets.remove(name);
    }

    /** The ARN this server gives the secret {@code name}. */
    public static String arnOf(String name) {
        return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-AbCdEf";
    }

    /** While true, every call is answered 500 InternalFailure, as in an outage. */
    public void failing(boolean fail) {
        failing = fail;
    }

    /** Calls of {@code target} (such as {@code AmazonSSM.GetParameter}) answered so far. */
    public int calls(String target) {
        AtomicInteger count = calls.get(target);
        return count == null ? 0 : count.get();
    }

    /** The access key ids the requests were signed with. */
    public Set<String> accessKeysSeen() {
        return Set.copyOf(accessKeys);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
            Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).map(CREDENTIAL::matcher)
                    .filter(Matcher::find).ifPresent(m -> accessKeys.add(m.group(1)));
            if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/")) {
                error(exchange, 404, "UnknownOperationException", "POST / only");
                return;
            }
            calls.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
            if (failing) {
                error(exchange, 500, "InternalFailure", "the test made this server fail");
                return;
            }
            JsonNode request = JSON.readTree(body);
            switch (target) {
                case "AmazonSSM.GetParameter" -> getParameter(exchange, request);
                case "secretsmanager.GetSecretValue" -> getSecretValue(exchange, request);
                default -> error(exchange, 400, "UnknownOperationException", "not implemented here: " + target);
            }
        }
    }

    private void getParameter(HttpExchange exchange, JsonNode request) throws IOException {
        String name = request.path("Name").asText();
        String value = parameters.get(name);
        if (value == null) {
            error(exchange, 400, "ParameterNotFound", "Parameter " + name + " not found.");
            return;
        }
        ObjectNode parameter = JSON.createObjectNode().put("Name", name).put("Type", "String").put("Value", value)
                .put("Version", 1).put("DataType", "text")
                .put("ARN", "arn:aws:ssm:" + REGION + ":" + ACCOUNT + ":parameter" + (name.startsWith("/") ? "" : "/")
                        + name);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("Parameter", parameter);
        send(exchange, 200, answer);
    }

    private void getSecretValue(HttpExchange exchange, JsonNode request) throws IOException {
        String id = request.path("SecretId").asText();
        String name = secrets.keySet().stream().filter(n -> n.equals(id) || arnOf(n).equals(id)).findFirst()
                .orElse(null);
        String value = name == null ? null : secrets.get(name);
        if (value == null) {
            error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
            return;
        }
        ObjectNode answer = JSON.createObjectNode().put("ARN", arnOf(name)).put("Name", name)
                .put("SecretString", value).put("VersionId", "00000000-0000-0000-0000-" + String.format("%012d",
                        Math.abs((long) value.hashCode())))
                .put("CreatedDate", 1.7e9);
        answer.putArray("VersionStages").add("AWSCURRENT");
        send(exchange, 200, answer);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", type);
        send(exchange, status, JSON.createObjectNode().put("__type", type).put("message", message));
    }

    private static void send(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
