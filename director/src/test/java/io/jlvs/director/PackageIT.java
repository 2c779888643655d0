package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package ({@code bin/jlvs package}, after the jars are built, hence an integration
 * test): it holds what it should, {@code dpkg} installs it into a fresh, empty root of its own
 * ({@code dpkg --root}, with an empty package database; its dependencies, nftables and iproute2,
 * are not in that root, so they are not checked), the sample service file is a conffile, and the
 * installed {@code jlvsd} checks that file with {@code --dry-run} and the installed
 * {@code jlvsadm} answers {@code -v}, both run from the root they were installed into.
 */
@Privileged
class PackageIT {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize()
            .getParent();

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("JLVS_JAVA_HOME", System.getProperty("java.home")));
        Process p = builder.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "ends: " + command);
        return new Result(p.exitValue(), output);
    }

    private static boolean onPath(String program) throws IOException, InterruptedException {
        return run(List.of("sh", "-c", "command -v " + program)).exitCode() == 0;
    }

    @Test
    void thePackageInstallsIntoAFreshRootAndItsJlvsdChecksTheSampleFileFromThere(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("dpkg-deb") && onPath("dpkg"), "skipped: dpkg and dpkg-deb are not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: dpkg --root installs as root");
        Result built = run(List.of(ROOT.resolve("bin/jlvs").toString(), "package", "--out", dir.toString()));
        assertEquals(0, built.exitCode(), built.output());
        Path deb = Path.of(built.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(Files.isRegularFile(deb) && deb.getFileName().toString().matches("jlvs_[0-9.]+(~snapshot)?_amd64\\.deb"),
                built.output());

        Result contents = run(List.of("dpkg-deb", "-c", deb.toString()));
        for (String file : List.of("./usr/bin/jlvsd", "./usr/bin/jlvsadm", "./usr/share/jlvs/jlvs.jar",
                "./lib/systemd/system/jlvsd.service", "./etc/jlvs/services.yaml", "./usr/share/doc/jlvs/jlvsd.md")) {
            assertTrue(contents.output().contains(file), file + " in\n" + contents.output());
        }

        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("var/lib/dpkg/info"));
        Files.createDirectories(root.resolve("var/lib/dpkg/updates"));
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        Result install = run(List.of("dpkg", "--root=" + root, "--force-depends", "--log=/dev/null", "-i",
                deb.toString()));
        assertEquals(0, install.exitCode(), install.output());
        Result status = run(List.of("dpkg", "--root=" + root, "-s", "jlvs"));
        assertTrue(status.output().contains("Status: install ok installed"), status.output());
        assertTrue(status.output().contains(" /etc/jlvs/services.yaml "), "the sample file is a conffile\n"
                + status.output());

        List<String> dryRun = new ArrayList<>(List.of(root.resolve("usr/bin/jlvsd").toString(), "--config",
                root.resolve("etc/jlvs/services.yaml").toString(), "--dry-run"));
        Result checked = run(dryRun);
        assertEquals(0, checked.exitCode(), checked.output());
        assertTrue(checked.output().contains("jlvsd: dry run: would start 1 worker on eth0"), checked.output());
        Result version = run(List.of(root.resolve("usr/bin/jlvsadm").toString(), "-v"));
        assertEquals(new Result(0, "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n"), version);
    }
}
