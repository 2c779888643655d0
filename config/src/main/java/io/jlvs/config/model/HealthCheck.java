package io.jlvs.config.model;

import io.jlvs.core.text.OneLine;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * A health check in the keepalived style for the real servers of a service, or one server:
 * a TCP connect or an HTTP GET every {@code intervalMs}; {@code retries} failures in a row take
 * the server down (quiesced to weight 0, or removed), {@code rise} successes in a row bring it
 * back with its configured weight.
 *
 * @param type         TCP connect or HTTP GET
 * @param port         the port to check, host byte order, 1..65535, or 0 for the real server's
 * @param path         the HTTP request target, starting with '/'; always {@code /} for TCP
 * @param expectStatus the HTTP status that means up, 100..599; always 200 for TCP
 * @param intervalMs   time between the start of two checks, milliseconds
 * @param timeoutMs    how long one check may take (connect, and for HTTP the whole response), milliseconds
 * @param retries      consecutive failures that take an up server down, 1..100
 * @param rise         consecutive successes that bring a down server up, 1..100
 * @param action       what happens to a server that is down
 */
public record HealthCheck(Type type, int port, String path, int expectStatus, long intervalMs, long timeoutMs,
                          int retries, int rise, Action action) {
    /** Smallest interval and timeout, milliseconds. */
    public static final long MIN_MS = 10;
    /** Largest interval and timeout, milliseconds (one day). */
    public static final long MAX_MS = 86_400_000;
    /** Largest retries and rise. */
    public static final int MAX_COUNT = 100;
    /**
     * The defaults: TCP connect to the server's port every 5 s with a 3 s timeout, down after 3
     * failures, up after 1 success (keepalived restores a server on its first good check),
     * quiesce.
     */
    public static final HealthCheck DEFAULT = new HealthCheck(Type.TCP, 0, "/", 200, 5_000, 3_000, 3, 1,
            Action.QUIESCE);

    /** The interval and timeout range as it is written: {@code 0.01..86400 seconds}. */
    public static final String SECONDS_RANGE = MIN_MS / 1000.0 + ".." + MAX_MS / 1000 + " seconds";

    /**
     * An interval or timeout written in seconds, whole or with up to three decimals
     * ({@code 5}, {@code 0.2}), in milliseconds: how the service file and the keepalived
     * importer read {@code interval}, {@code timeout}, {@code delay_loop} and
     * {@code connect_timeout}.
     *
     * @throws IllegalArgumentException saying what is wrong: not a number, finer than a
     *                                  millisecond, or outside {@link #SECONDS_RANGE}
     */
    public static long millisOfSeconds(String seconds) {
        BigDecimal ms;
        try {
            ms = new BigDecimal(seconds).movePointRight(3);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a number of seconds " + SECONDS_RANGE + ", got '"
                    + OneLine.of(seconds) + "'");
        }
        if (ms.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("has more than three decimals: " + seconds
                    + "; the finest step is 0.001 seconds");
        }
        if (ms.compareTo(BigDecimal.valueOf(MIN_MS)) < 0 || ms.compareTo(BigDecimal.valueOf(MAX_MS)) > 0) {
            throw new IllegalArgumentException("must be " + SECONDS_RANGE + ", was " + seconds);
        }
        return ms.longValueExact();
    }

    /** Checks the ranges; a TCP check gets the default path and status, which it does not use. */
    public HealthCheck {
        if (type == null || action == null || path == null) {
            throw new IllegalArgumentException("type, action and path are required");
        }
        if (type == Type.TCP) {
            path = "/";
            expectStatus = 200;
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        pathProblem(path).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        if (expectStatus < 100 || expectStatus > 599) {
            throw new IllegalArgumentException("expected status must be 100..599, was " + expectStatus);
        }
        if (intervalMs < MIN_MS || intervalMs > MAX_MS || timeoutMs < MIN_MS || timeoutMs > MAX_MS) {
            throw new IllegalArgumentException("interval and timeout must be " + MIN_MS + ".." + MAX_MS
                    + " ms, were " + intervalMs + "/" + timeoutMs);
        }
        if (retries < 1 || retries > MAX_COUNT || rise < 1 || rise > MAX_COUNT) {
            throw new IllegalArgumentException("retries and rise must be 1.." + MAX_COUNT + ", were " + retries
                    + "/" + rise);
        }
    }

    /**
     * Why {@code path} cannot be an HTTP check's request path, or empty when it can: it goes
     * into the request line as it is, so it starts with {@code /} and holds no spaces,
     * control or non-ASCII characters (a CR LF in it would end the request line). The one rule of the
     * service file and the importers.
     */
    public static Optional<String> pathProblem(String path) {
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            return Optional.of("not an HTTP path: '" + OneLine.of(path) + "'; expected a path starting with"
                    + " '/' without spaces, control or non-ASCII characters, such as /health");
        }
        return Optional.empty();
    }

    /** The port to connect to for a real server on {@code serverPort}. */
    public int portFor(int serverPort) {
        return port == 0 ? serverPort : port;
    }

    /** How a server is probed. */
    public enum Type {
        /** A TCP connection is accepted within the timeout. */
        TCP,
        /** An HTTP/1.1 GET answers with the expected status within the timeout. */
        HTTP;

        /** The YAML word: {@code tcp} or {@code http}. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a failing server gets. */
    public enum Action {
        /** Weight 0: no new connections, established ones carry on ({@code ipvsadm -e -w 0}). */
        QUIESCE,
        /** Deleted from the service as {@code ipvsadm -d} does, and added back when it recovers. */
        REMOVE;

        /** The YAML word: {@code quiesce} or {@code remove}. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
