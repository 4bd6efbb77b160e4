package dev.berth.registry.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * One log record as one line: JSON with logrus's (registry:2's) names {@code time}, {@code level},
 * {@code msg}, then the record's fields; or text, {@code time LEVEL logger: msg key=value…}, with
 * values quoted where they hold spaces or quotes. Control characters are escaped in both, so a
 * client-chosen value (a User-Agent) can never start a line of its own.
 */
final class LogLine {

    private static final JsonFactory JSON = new JsonFactory();

    private LogLine() {}

    static String format(LogFormat format, long epochMillis, Level level, String logger, String message,
            List<KeyValuePair> fields, Throwable thrown) {
        return format == LogFormat.JSON ? json(epochMillis, level, logger, message, fields, thrown)
                : text(epochMillis, level, logger, message, fields, thrown);
    }

    private static String json(long epochMillis, Level level, String logger, String message,
            List<KeyValuePair> fields, Throwable thrown) {
        StringWriter line = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(epochMillis).toString());
            json.writeStringField("level", level.name().toLowerCase(Locale.ROOT));
            json.writeStringField("msg", message);
            json.writeStringField("logger", logger);
            for (KeyValuePair field : fields) {
                if (field.value instanceof Number number) {
                    json.writeFieldName(field.key);
                    json.writeNumber(number.toString());
                } else {
                    json.writeStringField(field.key, String.valueOf(field.value));
                }
            }
            if (thrown != null) {
                json.writeStringField("error", thrown.toString());
                json.writeStringField("stack", stackTrace(thrown));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line.toString();
    }

    private static String text(long epochMillis, Level level, String logger, String message,
            List<KeyValuePair> fields, Throwable thrown) {
        StringBuilder line = new StringBuilder(160);
        line.append(Instant.ofEpochMilli(epochMillis)).append(' ')
                .append(String.format("%-5s", level.name())).append(' ')
                .append(shortName(logger)).append(": ");
        escape(message, line);
        for (KeyValuePair field : fields) {
            line.append(' ').append(field.key).append('=');
            value(String.valueOf(field.value), line);
        }
        if (thrown != null) {
            line.append(System.lineSeparator()).append(stackTrace(thrown).stripTrailing());
        }
        return line.toString();
    }

    /** {@code dev.berth.registry.http.RegistryServer} is {@code RegistryServer}: the class says enough. */
    private static String shortName(String logger) {
        return logger.substring(logger.lastIndexOf('.') + 1);
    }

    private static void value(String value, StringBuilder line) {
        boolean quote = value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20);
        if (!quote) {
            line.append(value);
            return;
        }
        line.append('"');
        escape(value.replace("\\", "\\\\").replace("\"", "\\\""), line);
        line.append('"');
    }

    private static void escape(String text, StringBuilder line) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line.append("\\n");
            } else if (c == '\r') {
                line.append("\\r");
            } else if (c < 0x20 || c == 0x7f) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
    }

    private static String stackTrace(Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}
