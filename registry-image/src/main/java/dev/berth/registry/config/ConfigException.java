package dev.berth.registry.config;

/**
 * A setting that cannot be used. The message always starts with the full key
 * ({@code storage.s3.region: ...}) so an operator knows what to fix.
 */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code key: problem}. */
    public static ConfigException at(String key, String problem) {
        return new ConfigException(key + ": " + problem);
    }
}
