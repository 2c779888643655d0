package io.jlvs.director;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jlvsd's log: the three line formats, the threshold, and which stream each level goes to. */
class LogTest {
    /** 2026-12-05T22:31:05.123Z. */
    private static final long AT_MS = 1_796_509_865_123L;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Log log(Log.Level threshold, Log.Format format) {
        return Log.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8), threshold, format).withClock(() -> AT_MS);
    }

    @Test
    void textIsTimeLevelAndMessage() {
        Log log = log(Log.Level.INFO, Log.Format.TEXT);
        log.info("running 1 worker on eth0");
        log.warn("next hop 192.168.188.81 has not answered ARP yet");
        assertEquals("2026-12-05T22:31:05.123Z INFO  jlvsd: running 1 worker on eth0\n",
                out.toString(StandardCharsets.UTF_8));
        assertEquals("2026-12-05T22:31:05.123Z WARN  jlvsd: next hop 192.168.188.81 has not answered ARP yet\n",
                err.toString(StandardCharsets.UTF_8), "warnings and errors go to the error stream");
    }

    @Test
    void logfmtQuotesTheMessageAndKeepsAStackTraceOnOneLine() {
        Log log = log(Log.Level.INFO, Log.Format.LOGFMT);
        log.error("worker 0: error \"boom\"\n\tat a.b.C.d(C.java:1)");
        assertEquals("ts=2026-12-05T22:31:05.123Z level=error msg=\"worker 0: error \\\"boom\\\"\\n\\tat a.b.C.d(C.java:1)\"\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonIsOneObjectPerLineThatAParserReadsBack() throws Exception {
        Log log = log(Log.Level.DEBUG, Log.Format.JSON);
        String message = "reloaded \"a.yaml\": 1 services added\nsecond line \\ and a tab\t";
        log.debug(message);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().count(), text);
        JsonNode event = new ObjectMapper().readTree(text);
        assertEquals("2026-12-05T22:31:05.123Z", event.get("ts").asText());
        assertEquals("debug", event.get("level").asText());
        assertEquals(message, event.get("msg").asText());
    }

    @Test
    void eventsBelowTheThresholdAreNotWritten() {
        Log log = log(Log.Level.WARN, Log.Format.TEXT);
        log.info("started");
        log.debug("detail");
        log.error("failed");
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).endsWith("ERROR jlvsd: failed\n"), err.toString());
        assertTrue(log.isEnabled(Log.Level.WARN));
        assertFalse(log.isEnabled(Log.Level.INFO));
    }

    @Test
    void levelsAndFormatsAreParsedByTheirNamesOnly() {
        assertEquals(Log.Level.DEBUG, Log.Level.parse("debug"));
        assertEquals(Log.Format.LOGFMT, Log.Format.parse("logfmt"));
        assertEquals("log level must be error, warn, info or debug, was 'INFO'",
                assertThrows(IllegalArgumentException.class, () -> Log.Level.parse("INFO")).getMessage());
        assertEquals("log format must be text, logfmt or json, was ''",
                assertThrows(IllegalArgumentException.class, () -> Log.Format.parse("")).getMessage());
    }
}
