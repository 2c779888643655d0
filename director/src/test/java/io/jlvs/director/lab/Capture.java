package io.jlvs.director.lab;

import static io.jlvs.director.lab.Scripts.readQuietly;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A tcpdump in a lab namespace waiting for the first packet that matches a filter. */
final class Capture implements AutoCloseable {
    private final Process process;
    private final BufferedReader lines;
    private final int seconds;

    private Capture(Process process, int seconds) {
        this.process = process;
        this.seconds = seconds;
        this.lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Captures at most one packet matching {@code filter} on {@code link}, for at most {@code seconds};
     * {@code options} go to tcpdump before the filter (e.g. {@code -Q out}).
     */
    static Capture start(String namespace, String link, int seconds, String filter, String... options)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "timeout",
                Integer.toString(seconds), "tcpdump", "-n", "-l", "-c", "1", "-i", link));
        command.addAll(List.of(options));
        command.add(filter);
        Process p = startListening(command);
        return new Capture(p, seconds);
    }

    /** Starts a tcpdump {@code command} and waits (up to 5 s) until it says it is listening. */
    static Process startListening(List<String> command) throws IOException {
        Path log = Files.createTempFile("jlvs-capture", ".err");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            while (!Files.readString(log).contains("listening on") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(Files.readString(log).contains("listening on"), () -> "tcpdump did not start: " + readQuietly(log));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(log);
        }
        return p;
    }

    /** The captured packet's line, or "" if none came before the capture's time ran out. */
    String firstPacket() throws Exception {
        assertTrue(process.waitFor(seconds + 5L, TimeUnit.SECONDS), "tcpdump outlived its timeout");
        String line = lines.readLine();
        return line == null ? "" : line;
    }

    /**
     * Ends the capture now and returns the packet's line if one was captured, else "". A capture
     * ends by itself at its first packet, so one still running after a second's grace (for a
     * packet on its way) has none.
     */
    String stopNow() throws Exception {
        if (!process.waitFor(1, TimeUnit.SECONDS)) {
            process.destroy();
            return "";
        }
        String line = lines.readLine();
        return line == null ? "" : line;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
