package io.jlvs.director;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * jlvsd's log: one line per event with its time (UTC, to the millisecond), its level and the
 * message, written when the level is at or above the threshold ({@code --log-level}). Three
 * formats ({@code --log-format}):
 * <pre>
 * text    2026-12-05T22:31:05.123Z INFO  jlvsd: running 1 worker on eth0 ...
 * logfmt  ts=2026-12-05T22:31:05.123Z level=info msg="running 1 worker on eth0 ..."
 * json    {"ts":"2026-12-05T22:31:05.123Z","level":"info","msg":"running 1 worker on eth0 ..."}
 * </pre>
 * In logfmt and JSON a message's line breaks (a stack trace's) are escaped, so an event is
 * always one line. Errors and warnings go to the error stream, the rest to the output stream.
 * Thread-safe (a line is one {@code println}); never called from the packet path, only from
 * the control threads and a worker's error barrier.
 */
public final class Log {
    /** How much an event matters, most first. */
    public enum Level {
        /** Something failed: a request refused, a frame lost to a bug, a start aborted. */
        ERROR,
        /** Something is degraded or may surprise: a fallback taken, a next hop not answering. */
        WARN,
        /** What jlvsd does: started, applied a change, a server went down or up, stopped. */
        INFO,
        /** Detail for finding a problem. */
        DEBUG;

        /** The level named {@code name} ({@code error}, {@code warn}, {@code info}, {@code debug}). */
        public static Level parse(String name) {
            return byName(values(), name, "log level must be error, warn, info or debug");
        }

        /** Its name in lower case, as the option and logfmt/JSON spell it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a line is written. */
    public enum Format {
        /** Time, level and message for a person. */
        TEXT,
        /** {@code key=value} pairs (logfmt), for log shippers. */
        LOGFMT,
        /** One JSON object per line. */
        JSON;

        /** The format named {@code name} ({@code text}, {@code logfmt}, {@code json}). */
        public static Format parse(String name) {
            return byName(values(), name, "log format must be text, logfmt or json");
        }
    }

    /** The constant whose name in lower case is {@code name}, else {@code refusal} and the name. */
    private static <E extends Enum<E>> E byName(E[] values, String name, String refusal) {
        for (E value : values) {
            if (value.name().toLowerCase(Locale.ROOT).equals(name)) {
                return value;
            }
        }
        throw new IllegalArgumentException(refusal + ", was '" + name + "'");
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final PrintStream err;
    private final Level threshold;
    private final Format format;
    private final LongSupplier clockMs;

    private Log(PrintStream out, PrintStream err, Level threshold, Format format, LongSupplier clockMs) {
        this.out = out;
        this.err = err;
        this.threshold = threshold;
        this.format = format;
        this.clockMs = clockMs;
    }

    /** A log to {@code out} and {@code err} at {@code threshold} in {@code format}, on the system clock. */
    public static Log of(PrintStream out, PrintStream err, Level threshold, Format format) {
        return new Log(out, err, threshold, format, System::currentTimeMillis);
    }

    /** The same log reading the time from {@code clockMs} (milliseconds since the epoch), for tests. */
    Log withClock(LongSupplier clockMs) {
        return new Log(out, err, threshold, format, clockMs);
    }

    /** Whether events of {@code level} are written. */
    public boolean isEnabled(Level level) {
        return level.ordinal() <= threshold.ordinal();
    }

    public void error(String message) {
        log(Level.ERROR, message);
    }

    public void warn(String message) {
        log(Level.WARN, message);
    }

    public void info(String message) {
        log(Level.INFO, message);
    }

    public void debug(String message) {
        log(Level.DEBUG, message);
    }

    /** Writes one event when {@code level} is enabled. */
    public void log(Level level, String message) {
        if (!isEnabled(level)) {
            return;
        }
        String line = line(level, message, clockMs.getAsLong());
        PrintStream stream = level.ordinal() <= Level.WARN.ordinal() ? err : out;
        stream.println(line);
        stream.flush();
    }

    /** The line of one event at {@code epochMs}. */
    String line(Level level, String message, long epochMs) {
        String time = TIME.format(Instant.ofEpochMilli(epochMs));
        return switch (format) {
            case TEXT -> time + " " + String.format(Locale.ROOT, "%-5s", level.name()) + " jlvsd: " + message;
            case LOGFMT -> "ts=" + time + " level=" + level.label() + " msg=\"" + escape(message) + "\"";
            case JSON -> "{\"ts\":\"" + time + "\",\"level\":\"" + level.label() + "\",\"msg\":\"" + escape(message)
                    + "\"}";
        };
    }

    /**
     * Makes this log the destination of {@code java.util.logging}, and so of {@code System.Logger}
     * and Netty, which write there when nothing else is configured: the root logger's handlers
     * are replaced by one that writes each record here (SEVERE as error, WARNING as warn, INFO as
     * info, finer as debug), with the record's exception on the same event.
     */
    public void captureJavaLogging() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.setLevel(isEnabled(Level.DEBUG) ? java.util.logging.Level.FINE : java.util.logging.Level.INFO);
        root.addHandler(new Handler() {
            private final Formatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                int value = record.getLevel().intValue();
                Level level = value >= java.util.logging.Level.SEVERE.intValue() ? Level.ERROR
                        : value >= java.util.logging.Level.WARNING.intValue() ? Level.WARN
                        : value >= java.util.logging.Level.INFO.intValue() ? Level.INFO : Level.DEBUG;
                String message = formatter.formatMessage(record);
                if (record.getThrown() != null) {
                    StringWriter stack = new StringWriter();
                    record.getThrown().printStackTrace(new PrintWriter(stack));
                    message += ": " + stack;
                }
                log(level, message);
            }

            @Override
            public void flush() {
                out.flush();
                err.flush();
            }

            @Override
            public void close() {
                flush();
            }
        });
    }

    /** {@code message} as the inside of a JSON string: quotes, backslashes and control characters escaped. */
    private static String escape(String message) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(message));
    }
}
