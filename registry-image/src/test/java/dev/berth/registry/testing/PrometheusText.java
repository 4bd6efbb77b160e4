package dev.berth.registry.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape of a {@code /metrics} page in the Prometheus text format, read by series. */
public final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    public PrometheusText(String text) {
        this.text = text;
    }

    /** GETs {@code /metrics} from {@code debugBase}; fails unless it answers 200. */
    public static PrometheusText scrape(URI debugBase) {
        RegistryClient.Response page = new RegistryClient(debugBase).get("/metrics");
        if (page.status() != 200) {
            throw new AssertionError("/metrics answered " + page);
        }
        return new PrometheusText(page.text());
    }

    public String text() {
        return text;
    }

    /** The sum of every sample of {@code name} whose labels include {@code labels} (0 when none). */
    public double sum(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        double total = 0;
        for (String line : text.lines().toList()) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new HashMap<>();
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    have.put(label.group(1), label.group(2));
                }
            }
            if (have.entrySet().containsAll(wanted.entrySet())) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    /** Whether any sample of {@code name} is on the page. */
    public boolean has(String name) {
        return text.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }
}
