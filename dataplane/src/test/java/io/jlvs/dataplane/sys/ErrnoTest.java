package io.jlvs.dataplane.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Errno names and texts match the kernel headers and libc, and the control-path message format. */
class ErrnoTest {
    private static final Path ERRNO_BASE = Path.of("/usr/include/asm-generic/errno-base.h");
    private static final Path ERRNO = Path.of("/usr/include/asm-generic/errno.h");

    @Test
    void namesCommonErrnosAsTheKernelHeadersDo() {
        // errno-base.h: EPERM 1, ENODEV 19, EINVAL 22; errno.h: ENOBUFS 105, ENETDOWN 100.
        assertEquals("EPERM", Errno.name(1));
        assertEquals("ENODEV", Errno.name(19));
        assertEquals("EINVAL", Errno.name(22));
        assertEquals("ENETDOWN", Errno.name(100));
        assertEquals("ENOBUFS", Errno.name(105));
    }

    @Test
    void everyNameInTheTableMatchesTheInstalledHeaders() throws IOException {
        assumeTrue(Files.isReadable(ERRNO_BASE) && Files.isReadable(ERRNO),
                "skipped: kernel uapi headers (linux-libc-dev) are not installed");
        Map<Integer, String> defined = new HashMap<>();
        Pattern define = Pattern.compile("#define\\s+(E[A-Z0-9]+)\\s+(\\d+)");
        for (Path header : new Path[] {ERRNO_BASE, ERRNO}) {
            Matcher m = define.matcher(Files.readString(header));
            while (m.find()) {
                defined.putIfAbsent(Integer.parseInt(m.group(2)), m.group(1));
            }
        }
        int checked = 0;
        for (int errno = 1; errno < 200; errno++) {
            if (Errno.isKnown(errno)) {
                assertEquals(defined.get(errno), Errno.name(errno), "errno " + errno);
                checked++;
            }
        }
        assertTrue(checked >= 30, "table holds the common errnos, had " + checked);
    }

    @Test
    void descriptionsMatchLibcStrerror() {
        for (int errno = 1; errno < 200; errno++) {
            if (Errno.isKnown(errno)) {
                assertEquals(LibC.strerror(errno), Errno.description(errno), "errno " + errno);
            }
        }
    }

    @Test
    void unknownErrnoIsNamedByNumber() {
        assertEquals("errno 177", Errno.name(177));
        assertEquals("Unknown error 177", Errno.description(177));
        assertEquals("errno -3", Errno.name(-3));
    }

    @Test
    void exceptionMessageNamesCallAndErrno() {
        NativeException e = new NativeException("setsockopt(PACKET_RX_RING)", 22);
        assertEquals("setsockopt(PACKET_RX_RING): EINVAL (22): Invalid argument", e.getMessage());
        assertEquals(22, e.errno());
        assertEquals("setsockopt(PACKET_RX_RING)", e.call());
    }
}
