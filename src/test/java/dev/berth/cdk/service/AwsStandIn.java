package dev.berth.cdk.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

/**
 * The two AWS calls the registry's {@code auth.aws} makes, {@code AmazonSSM.GetParameter} and
 * {@code secretsmanager.GetSecretValue}, answered on 127.0.0.1 in their real wire protocol (AWS
 * JSON 1.1) from fixed values, so the registry's own SDK clients run as on ECS. Signatures are not checked.
 */
final class AwsStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> parameters;
    private final Map<String, String> secrets;

    private AwsStandIn(Map<String, String> parameters, Map<String, String> secrets) throws IOException {
        this.parameters = Map.copyOf(parameters);
        this.secrets = Map.copyOf(secrets);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Parameters by name and secret strings by secret id (as the parameter names them). */
    static AwsStandIn start(Map<String, String> parameters, Map<String, String> secrets) throws IOException {
        return new AwsStandIn(parameters, secrets);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            ObjectNode answer = JSON.createObjectNode();
            String found = switch (target) {
                case "AmazonSSM.GetParameter" -> parameters.get(request.path("Name").asText());
                case "secretsmanager.GetSecretValue" -> secrets.get(request.path("SecretId").asText());
                default -> null;
            };
            if (found == null) {
                send(exchange, 400, answer.put("__type", "ResourceNotFoundException").put("message", "no " + request));
            } else if (target.startsWith("AmazonSSM")) {
                answer.putObject("Parameter").put("Name", request.path("Name").asText()).put("Type", "String")
                        .put("Value", found).put("Version", 1);
                send(exchange, 200, answer);
            } else {
                send(exchange, 200, answer.put("ARN", request.path("SecretId").asText()).put("SecretString", found)
                        .put("VersionId", "00000000-0000-0000-0000-000000000001"));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
