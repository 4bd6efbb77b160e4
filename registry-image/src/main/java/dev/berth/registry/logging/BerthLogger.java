package dev.berth.registry.logging;

import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/**
 * A logger that writes each record as one {@link LogLine} in the format of {@link LogSettings}.
 * (LegacyAbstractLogger answers the Marker variants of isXxxEnabled with the plain ones.)
 * The fluent API's key-value pairs ({@code log.atInfo().addKeyValue(…)}) become the line's fields.
 */
final class BerthLogger extends LegacyAbstractLogger implements LoggingEventAware {

    BerthLogger(String name) {
        this.name = name;
    }

    @Override
    public void log(LoggingEvent event) {
        if (!LogSettings.enabled(name, event.getLevel())) {
            return;
        }
        FormattingTuple message = MessageFormatter.arrayFormat(event.getMessage(), event.getArgumentArray());
        Throwable thrown = event.getThrowable() != null ? event.getThrowable() : message.getThrowable();
        List<KeyValuePair> fields = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        write(event.getLevel(), message.getMessage(), fields, thrown);
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable thrown) {
        write(level, MessageFormatter.basicArrayFormat(pattern, arguments), List.of(), thrown);
    }

    private void write(Level level, String message, List<KeyValuePair> fields, Throwable thrown) {
        String line = LogLine.format(LogSettings.format(), System.currentTimeMillis(), level, name,
                message == null ? "" : message, fields, thrown);
        LogSettings.out().println(line); // PrintStream.println writes the line under its lock: lines never interleave
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    public boolean isTraceEnabled() {
        return LogSettings.enabled(name, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogSettings.enabled(name, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogSettings.enabled(name, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogSettings.enabled(name, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogSettings.enabled(name, Level.ERROR);
    }
}
