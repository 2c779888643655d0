package io.jlvs.director.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP reaches the handler in a JVM of its own, also when that JVM was started under
 * {@code nohup} (SIGHUP inherited ignored, which the JVM alone would leave ignored).
 */
class SighupTest {
    /** A child JVM: installs the handler, says "ready", and prints "reload" on each SIGHUP. */
    public static void main(String[] args) throws InterruptedException {
        String refused = Sighup.install(() -> {
            System.out.println("reload");
            System.out.flush();
        });
        System.out.println(refused == null ? "ready" : "refused: " + refused);
        System.out.flush();
        Thread.sleep(30_000);
    }

    @Test
    void sighupRunsTheHandler(@TempDir Path dir) throws Exception {
        assertEquals(List.of("ready", "reload"), signalled(List.of(), dir));
    }

    @Test
    void sighupRunsTheHandlerAlsoUnderNohup(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nohup")), "needs /usr/bin/nohup");
        assertEquals(List.of("ready", "reload"), signalled(List.of("/usr/bin/nohup"), dir));
    }

    /** Starts the child behind {@code prefix}, sends it SIGHUP once it is ready, and returns its output lines. */
    private static List<String> signalled(List<String> prefix, Path dir) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                SighupTest.class.getName()));
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        try {
            awaitLines(out, 1);
            assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(child.pid())).start().waitFor());
            awaitLines(out, 2);
            return Files.readAllLines(out);
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitLines(Path out, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(out) && Files.readAllLines(out).size() >= count) {
                return;
            }
            Thread.sleep(20);
        }
        String seen = Files.exists(out) ? Files.readString(out) : "no output";
        fail("fewer than " + count + " lines: " + seen);
    }
}
