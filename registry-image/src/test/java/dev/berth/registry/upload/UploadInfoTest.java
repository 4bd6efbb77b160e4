package dev.berth.registry.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An upload's description reads back as written; anything else reads as none. */
class UploadInfoTest {

    @Test
    void aDescriptionReadsBackAsWritten() throws Exception {
        UploadInfo info = new UploadInfo("team/app", Instant.parse("2026-01-02T03:04:05.678Z"));
        assertEquals("{\"repository\":\"team/app\",\"startedAt\":\"2026-01-02T03:04:05.678Z\"}",
                new String(info.toJson(), StandardCharsets.UTF_8));
        assertEquals(Optional.of(info), UploadInfo.parse(info.toJson()));
    }

    @Test
    void whatIsNoDescriptionReadsAsNone() {
        for (String text : new String[] {"", "not json", "{}", "{\"repository\":\"a\"}",
                "{\"repository\":\"a\",\"startedAt\":null}", "{\"repository\":\"a\",\"startedAt\":\"yesterday\"}"}) {
            assertTrue(UploadInfo.parse(text.getBytes(StandardCharsets.UTF_8)).isEmpty(), text);
        }
    }
}
