package io.jlvs.director;

import io.jlvs.dataplane.sys.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * systemd's readiness protocol ({@code sd_notify}): one datagram of {@code KEY=VALUE} lines to
 * the Unix socket named by {@code $NOTIFY_SOCKET} (a path, or an abstract name written with a
 * leading {@code @}). jlvsd sends {@code READY=1} once it forwards, {@code STOPPING=1} when it
 * begins to stop, and a {@code STATUS=} line with them, so a {@code Type=notify} unit starts
 * the units after it only when the director is really up. Without {@code $NOTIFY_SOCKET} (not
 * started by systemd) nothing is sent.
 */
public final class SystemdNotify {
    /** The environment variable systemd sets for a {@code Type=notify} service. */
    public static final String ENV = "NOTIFY_SOCKET";

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and a 108-byte path. */
    private static final int SOCKADDR_UN_BYTES = 110;
    private static final int PATH_OFFSET = 2;

    private SystemdNotify() {
    }

    /**
     * A {@code struct sockaddr_un} for {@code name}: a path (NUL-terminated), or {@code @name} for
     * an abstract address (the {@code @} written as a NUL byte, no terminator); null when too long.
     */
    static MemorySegment unixAddress(Arena arena, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        boolean path = bytes.length == 0 || bytes[0] != '@';
        if (bytes.length + (path ? 1 : 0) > SOCKADDR_UN_BYTES - PATH_OFFSET) {
            return null;
        }
        MemorySegment address = arena.allocate(PATH_OFFSET + bytes.length + (path ? 1 : 0));
        address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, ValueLayout.JAVA_BYTE, PATH_OFFSET, bytes.length);
        if (!path) {
            address.set(ValueLayout.JAVA_BYTE, PATH_OFFSET, (byte) 0);
        }
        return address;
    }

    /**
     * Sends {@code state} to {@code $NOTIFY_SOCKET}, if it is set.
     *
     * @return a one-line problem when the socket is set but the message could not be sent, else null
     */
    public static String notify(String state) {
        String socket = System.getenv(ENV);
        return socket == null || socket.isEmpty() ? null : send(socket, state);
    }

    /**
     * Sends {@code state} to the datagram socket {@code socket} (a path, or {@code @name} for an
     * abstract one).
     *
     * @return a one-line problem, or null when the datagram went
     */
    static String send(String socket, String state) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = unixAddress(arena, socket);
            if (address == null) {
                return ENV + " " + socket + " is longer than a Unix socket address may be";
            }
            byte[] text = state.getBytes(StandardCharsets.UTF_8);
            MemorySegment message = arena.allocate(Math.max(1, text.length));
            MemorySegment.copy(text, 0, message, ValueLayout.JAVA_BYTE, 0, text.length);
            int fd = LibC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return "cannot open a socket to tell systemd: " + LibC.strerror(-fd);
            }
            try {
                long sent = LibC.sendto(fd, message, text.length, 0, address);
                return sent < 0 ? "cannot tell systemd at " + socket + ": " + LibC.strerror((int) -sent) : null;
            } finally {
                LibC.close(fd);
            }
        }
    }
}
