package dev.berth.registry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/** A record is one line in either format, whatever a client put into its values. */
class LogLineTest {

    private static final long TIME = java.time.Instant.parse("2026-12-02T16:46:40.123Z").toEpochMilli();
    private static final List<KeyValuePair> FIELDS = List.of(new KeyValuePair("http.response.status", 200),
            new KeyValuePair("http.request.useragent", "evil\nlevel=error msg=\"forged\""),
            new KeyValuePair("vars.name", "app/team"));

    @Test
    void jsonHasLogrusNamesAndTypedFields() throws Exception {
        String line = LogLine.format(LogFormat.JSON, TIME, Level.INFO, "access", "response completed", FIELDS, null);
        assertEquals(1, line.lines().count(), line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("2026-12-02T16:46:40.123Z", json.path("time").asText());
        assertEquals("info", json.path("level").asText());
        assertEquals("response completed", json.path("msg").asText());
        assertTrue(json.path("http.response.status").isInt(), line);
        assertEquals("evil\nlevel=error msg=\"forged\"", json.path("http.request.useragent").asText());
    }

    @Test
    void textQuotesAndEscapesValuesSoNoneStartsALine() {
        String line = LogLine.format(LogFormat.TEXT, TIME, Level.WARN, "dev.berth.registry.http.RegistryHandler",
                "two\nlines", FIELDS, null);
        assertEquals(1, line.lines().count(), line);
        assertEquals("2026-12-02T16:46:40.123Z WARN  RegistryHandler: two\\nlines http.response.status=200"
                + " http.request.useragent=\"evil\\nlevel=error msg=\\\"forged\\\"\" vars.name=app/team", line);
    }

    @Test
    void aStackTraceFollowsInTextAndIsAFieldInJson() throws Exception {
        IllegalStateException failure = new IllegalStateException("boom");
        String json = LogLine.format(LogFormat.JSON, TIME, Level.ERROR, "x", "failed", List.of(), failure);
        assertEquals(1, json.lines().count());
        assertTrue(new ObjectMapper().readTree(json).path("stack").asText().contains("LogLineTest"), json);
        String text = LogLine.format(LogFormat.TEXT, TIME, Level.ERROR, "x", "failed", List.of(), failure);
        assertTrue(text.lines().count() > 1 && text.contains("java.lang.IllegalStateException: boom"), text);
    }
}
