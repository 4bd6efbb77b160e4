package dev.berth.registry.logging;

import java.io.Console;
import java.util.Locale;

/**
 * registry:2's {@code log.formatter}: {@code text} for a person at a terminal, {@code json} (one
 * object per line) for a log collector such as CloudWatch. registry:2's {@code logstash} is not
 * offered: its JSON lines serve the same collectors.
 */
public enum LogFormat {
    TEXT, JSON;

    /** {@code text} or {@code json}, any case; null for anything else. */
    public static LogFormat parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> null;
        };
    }

    /** Text at a terminal, JSON otherwise (in a container, under systemd, into a file). */
    public static LogFormat forOutput() {
        return isTerminal() ? TEXT : JSON;
    }

    /**
     * Since JDK 22 {@code System.console()} exists without a terminal too and says so in
     * {@code isTerminal()}; compiled for 21, that method is looked up rather than called.
     */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console only exists at a terminal
        }
    }
}
