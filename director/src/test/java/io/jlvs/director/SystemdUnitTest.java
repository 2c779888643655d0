package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped systemd unit ({@code packaging/jlvsd.service}): {@code systemd-analyze verify}
 * accepts it (with its {@code /usr/bin/jlvsd} pointed at this checkout's launcher, since the
 * package is not installed here), and it says what jlvsd implements: {@code Type=notify}
 * ({@link SystemdNotify}), reload by SIGHUP, the service file checked before the start, and
 * capabilities bounded instead of full root.
 */
class SystemdUnitTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize()
            .getParent();
    private static final Path UNIT = ROOT.resolve("packaging/jlvsd.service");
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @Test
    void systemdAnalyzeVerifiesTheUnit(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(ANALYZE), "skipped: systemd-analyze is not installed (Debian package systemd)");
        Path unit = dir.resolve("jlvsd.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/usr/bin/jlvsd", ROOT.resolve("bin/jlvsd").toString()));
        Process verify = new ProcessBuilder(ANALYZE.toString(), "verify", unit.toString()).redirectErrorStream(true)
                .start();
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify ends");
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, verify.exitValue(), output);
        assertEquals("", output.strip(), "no warning");
    }

    @Test
    void theUnitSaysWhatJlvsdDoes() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nType=notify\n"), "jlvsd sends READY=1");
        assertTrue(unit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"), "jlvsd reloads on SIGHUP");
        assertTrue(unit.contains("\nExecStartPre=/usr/bin/jlvsd --config /etc/jlvs/services.yaml --dry-run\n"));
        assertTrue(unit.contains("\nCapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_BPF CAP_PERFMON CAP_IPC_LOCK\n"));
        assertTrue(unit.contains("\nRuntimeDirectory=jlvs\n"), "the control socket's directory, /run/jlvs");
    }
}
