package dev.berth.registry.logging;

import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * The process's one logging configuration ({@code log.level}, {@code log.formatter}), read by
 * every logger at each call, so that loggers made before the configuration was loaded follow it.
 */
public final class LogSettings {

    /** Libraries whose debug output would drown the registry's: they stay at info when it logs at debug. */
    private static final String[] CHATTY = {"org.eclipse.jetty", "software.amazon", "org.apache.hc"};

    private static volatile Level level = Level.INFO;
    private static volatile LogFormat format = LogFormat.forOutput();
    private static volatile PrintStream out = System.err;

    private LogSettings() {}

    /** @param levelName error, warn, info or debug (ConfigLoader has checked it) */
    public static void configure(String levelName, LogFormat logFormat) {
        level = Level.valueOf(levelName.toUpperCase(Locale.ROOT));
        format = logFormat;
    }

    /** Where lines go: standard error unless a test captures them. */
    public static void output(PrintStream stream) {
        out = stream;
    }

    static PrintStream out() {
        return out;
    }

    static LogFormat format() {
        return format;
    }

    static boolean enabled(String logger, Level wanted) {
        Level threshold = level;
        if (threshold.toInt() < Level.INFO.toInt() && isChatty(logger)) {
            threshold = Level.INFO;
        }
        return wanted.toInt() >= threshold.toInt();
    }

    private static boolean isChatty(String logger) {
        for (String prefix : CHATTY) {
            if (logger.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
