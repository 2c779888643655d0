package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.dataplane.sys.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SystemdNotify} against a datagram socket bound here, as systemd's notification socket. */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    /** A bound AF_UNIX datagram socket that reads one message at a time. */
    static final class Listener implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final int fd;

        Listener(String name) {
            fd = LibC.socket(1, 2 | 0x80000, 0);
            assertTrue(fd >= 0, "socket: " + fd);
            assertEquals(0, LibC.bind(fd, SystemdNotify.unixAddress(arena, name)), "bind " + name);
        }

        /** The next datagram, or null when none is waiting. */
        String poll() {
            MemorySegment buffer = arena.allocate(4096);
            long n = LibC.recv(fd, buffer, buffer.byteSize(), LibC.MSG_DONTWAIT);
            return n < 0 ? null : new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }

        /** The next datagram, waiting for it up to {@code attempts} times 50 ms; null if none came. */
        String next(int attempts) throws InterruptedException {
            for (int i = 0; i < attempts; i++) {
                String message = poll();
                if (message != null) {
                    return message;
                }
                Thread.sleep(50);
            }
            return null;
        }

        @Override
        public void close() {
            LibC.close(fd);
            arena.close();
        }
    }

    @Test
    void readinessReachesASocketNamedByPath() {
        String path = dir.resolve("notify").toString();
        try (Listener systemd = new Listener(path)) {
            assertNull(SystemdNotify.send(path, "READY=1\nSTATUS=running"));
            assertEquals("READY=1\nSTATUS=running", systemd.poll());
            assertNull(systemd.poll(), "one datagram per message");
        }
    }

    @Test
    void readinessReachesAnAbstractSocket() {
        String name = "@jlvs-notify-test-" + ProcessHandle.current().pid();
        try (Listener systemd = new Listener(name)) {
            assertNull(SystemdNotify.send(name, "STOPPING=1"));
            assertEquals("STOPPING=1", systemd.poll());
        }
    }

    @Test
    void aSocketThatIsNotThereIsAOneLineProblem() {
        String problem = SystemdNotify.send(dir.resolve("absent").toString(), "READY=1");
        assertTrue(problem != null && problem.startsWith("cannot tell systemd at ") && !problem.contains("\n"),
                String.valueOf(problem));
        String tooLong = SystemdNotify.send("/" + "x".repeat(200), "READY=1");
        assertTrue(tooLong != null && tooLong.contains("longer than a Unix socket address may be"), tooLong);
    }
}
