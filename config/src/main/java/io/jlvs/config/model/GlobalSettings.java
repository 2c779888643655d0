package io.jlvs.config.model;

import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.text.OneLine;

import java.util.List;
import java.util.Optional;

/**
 * Settings of the director as a whole.
 *
 * @param interfaces              data-plane interface names, at least one, no repeats
 * @param workers                 worker threads, 1..{@link #MAX_WORKERS}
 * @param connectionTableCapacity most connection-table entries at once,
 *                                {@link #MIN_CAPACITY}..{@link #MAX_CAPACITY}
 * @param timeouts                tcp, tcpfin and udp timeouts
 * @param metricsListen           where the HTTP metrics endpoint listens, or empty for none
 * @param controlSocket           absolute path of the control Unix socket
 * @param io                      how the workers read and send frames
 * @param defense                 the connection table's defence against exhaustion
 */
public record GlobalSettings(List<String> interfaces, int workers, int connectionTableCapacity,
                             Timeouts timeouts, Optional<Endpoint> metricsListen, String controlSocket,
                             IoSettings io, DefenseSettings defense) {
    /** Default worker count. */
    public static final int DEFAULT_WORKERS = 1;
    /** Most worker threads. */
    public static final int MAX_WORKERS = 256;
    /** Default connection-table capacity, 2^20 slots. */
    public static final int DEFAULT_CAPACITY = 1 << 20;
    /** Smallest connection-table capacity. */
    public static final int MIN_CAPACITY = 1 << 10;
    /** Largest connection-table capacity. */
    public static final int MAX_CAPACITY = ConnTable.MAX_CAPACITY;
    /** Default metrics endpoint, loopback only. */
    public static final Endpoint DEFAULT_METRICS = new Endpoint(Ipv4.parse("127.0.0.1"), 9180);
    /** Default control socket path. */
    public static final String DEFAULT_CONTROL_SOCKET = "/run/jlvs/jlvsd.sock";
    /** Longest socket path: {@code sun_path} holds 108 bytes including the NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    /** Copies the list and checks the ranges. */
    public GlobalSettings {
        interfaces = List.copyOf(interfaces);
        if (interfaces.isEmpty()) {
            throw new IllegalArgumentException("at least one interface is needed");
        }
        for (String name : interfaces) {
            interfaceNameProblem(name).ifPresent(problem -> {
                throw new IllegalArgumentException(problem);
            });
        }
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1.." + MAX_WORKERS + ", was " + workers);
        }
        if (!isValidCapacity(connectionTableCapacity)) {
            throw new IllegalArgumentException("connection-table capacity must be "
                    + MIN_CAPACITY + ".." + MAX_CAPACITY + ", was " + connectionTableCapacity);
        }
        if (io == null) {
            throw new IllegalArgumentException("io settings are missing");
        }
        if (defense == null) {
            throw new IllegalArgumentException("defense settings are missing");
        }
        if (!controlSocket.startsWith("/")) {
            throw new IllegalArgumentException("control socket path must be absolute: " + controlSocket);
        }
    }

    /** The longest Linux interface name, in bytes ({@code IFNAMSIZ} less the NUL). */
    public static final int MAX_INTERFACE_NAME_BYTES = 15;

    /**
     * Why {@code name} cannot be a data-plane interface name, or empty when it can: 1..15
     * characters, not {@code .} or {@code ..}, none of them blank, control, non-ASCII,
     * {@code /}, {@code :}, quote or backslash (what the kernel's {@code dev_valid_name} allows,
     * and safe inside nft's quotes and on a command line). The one rule of the service file,
     * the importers' {@code --interface} and the kernel side.
     */
    public static Optional<String> interfaceNameProblem(String name) {
        String expected = "; expected 1.." + MAX_INTERFACE_NAME_BYTES
                + " characters without spaces, control characters, '/', ':', '\"' or '\\', such as eth0";
        if (name == null || name.isEmpty() || name.length() > MAX_INTERFACE_NAME_BYTES
                || name.equals(".") || name.equals("..")) {
            return Optional.of("not an interface name: '" + OneLine.of(String.valueOf(name)) + "'"
                    + expected);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F || c == '/' || c == '"' || c == '\\' || c == ':') {
                return Optional.of("not an interface name: '" + OneLine.of(name) + "'" + expected);
            }
        }
        return Optional.empty();
    }

    /** The defaults for everything but the interfaces. */
    public static GlobalSettings defaults(List<String> interfaces) {
        return new GlobalSettings(interfaces, DEFAULT_WORKERS, DEFAULT_CAPACITY, Timeouts.DEFAULT,
                Optional.of(DEFAULT_METRICS), DEFAULT_CONTROL_SOCKET, IoSettings.DEFAULT, DefenseSettings.DEFAULT);
    }

    /** The same settings with other timeouts. */
    public GlobalSettings withTimeouts(Timeouts other) {
        return new GlobalSettings(interfaces, workers, connectionTableCapacity, other, metricsListen, controlSocket,
                io, defense);
    }

    /** Whether the value is an accepted connection-table capacity. */
    public static boolean isValidCapacity(long capacity) {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY;
    }
}
