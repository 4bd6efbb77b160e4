package dev.berth.registry;

import dev.berth.registry.config.ConfigException;
import dev.berth.registry.config.ConfigLoader;
import dev.berth.registry.config.RegistryConfig;
import dev.berth.registry.config.SettingsSummary;
import dev.berth.registry.http.LocalAddress;
import dev.berth.registry.http.RegistryServer;
import dev.berth.registry.logging.LogSettings;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar registry.jar [serve] [config.yml]}: registry:2's command line, so an
 * existing {@code registry serve /etc/docker/registry/config.yml} keeps working.
 * {@code healthcheck [config.yml]} asks the running registry's {@code /healthz}, for a
 * container HEALTHCHECK in an image without curl.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: java -jar registry.jar [serve] [config.yml]
                   java -jar registry.jar healthcheck [config.yml]
            """ + GarbageCollectCommand.USAGE + """

            The config file may also be named by REGISTRY_CONFIGURATION_PATH; without one the
            embedded default serves filesystem storage under ./data on port 5000.
            REGISTRY_* variables override single keys, e.g. REGISTRY_HTTP_ADDR=127.0.0.1:5001.""";

    private Main() {}

    public static void main(String[] args) {
        int status = run(List.of(args), System.getenv());
        if (status != OK) {
            System.exit(status);
        }
    }

    static int run(List<String> args, Map<String, String> env) {
        String command = args.isEmpty() ? "serve" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        if (!isCommand(command) && looksLikeConfigFile(command)) {
            command = "serve";
            rest = args;
        }
        if (command.equals("garbage-collect")) {
            return GarbageCollectCommand.run(rest, env);
        }
        if (rest.size() > 1) {
            return usage("too many arguments: " + String.join(" ", rest));
        }
        Optional<Path> file = rest.stream().findFirst().map(Path::of);
        return switch (command) {
            case "serve" -> serve(file, env);
            case "healthcheck" -> healthcheck(file, env);
            case "help", "-h", "--help" -> {
                System.out.println(USAGE_TEXT);
                yield OK;
            }
            default -> usage("unknown command \"" + command + "\"");
        };
    }

    private static boolean isCommand(String arg) {
        return Arrays.asList("serve", "healthcheck", "garbage-collect", "help", "-h", "--help").contains(arg);
    }

    private static boolean looksLikeConfigFile(String arg) {
        return arg.endsWith(".yml") || arg.endsWith(".yaml") || arg.contains("/") || Files.isRegularFile(Path.of(arg));
    }

    static int usage(String problem) {
        System.err.println("berth: " + problem);
        System.err.println(USAGE_TEXT);
        return USAGE;
    }

    private static int serve(Optional<Path> file, Map<String, String> env) {
        ConfigLoader loader = new ConfigLoader();
        RegistryConfig config;
        try {
            config = loader.load(file, env);
        } catch (ConfigException e) {
            System.err.println("berth: invalid configuration: " + e.getMessage());
            return FAILED;
        }
        LogSettings.configure(config.log().level(), config.log().format());
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("configuration: {}", ConfigLoader.describeSource(file, env));
        SettingsSummary.lines(config).forEach(line -> log.info("  {}", line));
        loader.warnings().forEach(log::warn);

        RegistryServer server;
        try {
            server = RegistryServer.start(config);
        } catch (Exception e) {
            log.error("cannot start: {}", causes(e));
            log.debug("start failure", e);
            return FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, log), "berth-shutdown"));
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }

    /** SIGTERM (docker stop, ECS): finish requests in flight, then exit. */
    private static void stop(RegistryServer server, Logger log) {
        log.info("stopping");
        try {
            server.close();
            log.info("stopped");
        } catch (Exception e) {
            log.error("unclean stop: {}", e.toString());
        }
    }

    private static int healthcheck(Optional<Path> file, Map<String, String> env) {
        RegistryConfig config;
        try {
            config = new ConfigLoader().load(file, env);
        } catch (ConfigException e) {
            System.err.println("berth: invalid configuration: " + e.getMessage());
            return FAILED;
        }
        URI uri = URI.create("http://" + LocalAddress.hostPort(config.http().host(), config.http().port()) + "/healthz");
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(3_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status == 200) {
                return OK;
            }
            System.err.println("berth: " + uri + " answered " + status);
        } catch (IOException e) {
            System.err.println("berth: " + uri + " unreachable: " + e.getMessage());
        }
        return FAILED;
    }

    /** "Failed to bind to /127.0.0.1:5000: Address already in use": the chain without a stack trace. */
    static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
