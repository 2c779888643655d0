package io.jlvs.director.lab;

import io.jlvs.director.control.ControlRequest;
import io.jlvs.director.control.ControlResponse;
import io.jlvs.director.control.Jlvsadm;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jlvs.dataplane.netns.NetnsLab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the lab's scripts and other commands with a time limit, collecting exit code and output. */
final class Scripts {
    /** The repository root (the director module's parent). */
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    static final Path LAB = ROOT.resolve("lab/lab.sh");
    static final Path REALSERVER = ROOT.resolve("lab/realserver.sh");
    /**
     * This run's lab prefix (lab/prefix.sh): {@code JLVS_LAB_PREFIX} when set, else {@code t}
     * and this JVM's PID in base 36, so a lab that is up and the lab of another run are left
     * alone and never collide with this one.
     */
    static final String PREFIX = labPrefix(System.getenv("JLVS_LAB_PREFIX"), ProcessHandle.current().pid());
    /** The lab's state: service file, logs, the PIDs of what it started (lab/prefix.sh's RUN). */
    static final Path RUN = ROOT.resolve(PREFIX.equals("jlvs-") ? "lab/run" : "lab/run-" + PREFIX.replaceAll("-$", ""));
    /** The environment that makes the lab run this JVM's classes (no build of the jars) under {@link #PREFIX}. */
    static final Map<String, String> LAB_ENV = Map.of(
            "JLVS_LAB_CLASSPATH", System.getProperty("java.class.path"),
            "JLVS_JAVA_HOME", System.getProperty("java.home"),
            "JLVS_LAB_PREFIX", PREFIX);
    private static final Pattern LAB_NAMESPACE =
            Pattern.compile(Pattern.quote(PREFIX) + "(client|router|director|switch|rs[0-9]+)");
    private static final long TIMEOUT_SECONDS = 90;
    /** How many times {@link #await} checks its condition, 100 ms apart. */
    static final int WAIT_ATTEMPTS = 600;
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private Scripts() {
    }

    /** Exit code and merged output of a finished command. */
    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ":\n" + output;
        }
    }

    /** Runs {@code command} with extra environment {@code env}, for at most 90 s. */
    static Result run(Map<String, String> env, List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(env);
            Path output = Files.createTempFile("jlvs-lab-test", ".out");
            try {
                builder.redirectOutput(output.toFile());
                Process process = builder.start();
                process.getOutputStream().close();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Result(-1, "timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command)
                            + "\n" + Files.readString(output, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** The prefix of {@code JLVS_LAB_PREFIX} {@code configured}, or one of process {@code pid}'s own. */
    static String labPrefix(String configured, long pid) {
        return configured == null || configured.isEmpty() ? "t" + Long.toString(pid, 36) + "-" : configured;
    }

    /** The namespace of this run's lab host {@code host} ({@code client}, {@code director}, {@code rs1}...). */
    static String ns(String host) {
        return PREFIX + host;
    }

    /** Runs {@code command} inside network namespace {@code namespace}. */
    static Result inNamespace(String namespace, Map<String, String> env, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return run(env, full);
    }

    /** The namespaces of this run's lab that exist now, sorted. */
    static List<String> labNamespaces() {
        Result list = run(Map.of(), List.of("ip", "netns", "list"));
        return list.output().lines().map(l -> l.split(" ")[0]).filter(n -> LAB_NAMESPACE.matcher(n).matches())
                .sorted().toList();
    }

    /** Whether {@code pid} runs: a zombie waiting for its parent to reap it has ended. */
    static boolean isLive(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("State:")).noneMatch(l -> l.contains("Z"));
        } catch (IOException gone) {
            return false;
        }
    }

    /** Whether {@code program} is on the PATH. */
    static boolean installed(String program) {
        return run(Map.of(), List.of("sh", "-c", "command -v " + program)).exitCode() == 0;
    }

    /**
     * Skips the calling lab test, saying why, unless namespaces can be made and each tool is
     * installed ({@code tools} alternates program and Debian package; {@code bin/test} installs
     * them, tests install nothing). A lab of another prefix may be up: it is left alone.
     */
    static void assumeLab(String test, String... tools) {
        NetnsLab.assumeNetnsAvailable();
        for (int i = 0; i < tools.length; i += 2) {
            assumeInstalled(test, tools[i], tools[i + 1]);
        }
    }

    /** Skips the calling test, saying why, unless {@code program} (Debian package {@code pkg}) is installed. */
    static void assumeInstalled(String test, String program, String pkg) {
        assumeTrue(installed(program), () -> test + " skipped: " + program + " is not installed (bin/test installs"
                + " it as root; apt-get install " + pkg + ")");
    }

    /** Runs {@code lab/lab.sh} with {@code args}, on this JVM's classes. */
    static Result lab(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", LAB.toString()));
        command.addAll(Arrays.asList(args));
        return run(LAB_ENV, command);
    }

    /** Takes down whatever a test left up. */
    static void labDownIfUp() {
        if (!labNamespaces().isEmpty() || Files.exists(RUN)) {
            lab("down");
        }
    }

    /** The PID the lab recorded for the process it named {@code name} ({@code director-jlvsd}, {@code rs1-nginx}...). */
    static long labPid(String name) throws IOException {
        for (String line : Files.readAllLines(RUN.resolve("pids"))) {
            String[] fields = line.split(" ");
            if (fields[2].equals(name)) {
                return Long.parseLong(fields[1]);
            }
        }
        throw new AssertionError("no " + name + " in " + RUN.resolve("pids"));
    }

    /**
     * Kills the nginx the lab started on {@code host} ({@code rs1}...) with SIGKILL, its workers
     * too: they outlive a killed master, so its children are killed with it, by their PIDs.
     */
    static void killNginx(String host) throws IOException {
        long master = labPid(host + "-nginx");
        List<String> kill = new ArrayList<>(List.of("kill", "-KILL", Long.toString(master)));
        kill.addAll(List.of(Files.readString(Path.of("/proc", Long.toString(master), "task", Long.toString(master),
                "children")).trim().split("\\s+")));
        Result killed = run(Map.of(), kill);
        assertEquals(0, killed.exitCode(), killed::toString);
    }

    /** The lab's service file ({@code lab/run/director.yaml}) up to and including {@code services:}. */
    static String globalSection() throws IOException {
        String text = Files.readString(RUN.resolve("director.yaml"));
        int at = text.indexOf("\nservices:\n");
        assertTrue(at > 0, text);
        return text.substring(0, at + "\nservices:\n".length());
    }

    /** The control socket a service file's global section names. */
    static Path controlSocket(String global) {
        Matcher m = Pattern.compile("(?m)^  control-socket: (\\S+)$").matcher(global);
        assertTrue(m.find(), global);
        return Path.of(m.group(1));
    }

    /** The MAC of {@code link} in a lab namespace, {@code aa:bb:cc:dd:ee:ff}. */
    static String mac(String namespace, String link) {
        Result r = inNamespace(namespace, Map.of(), "cat", "/sys/class/net/" + link + "/address");
        assertEquals(0, r.exitCode(), r::toString);
        return r.output().strip();
    }

    /** The resident memory of process {@code pid}, kB. */
    static long rssKb(long pid) throws IOException {
        Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        assertTrue(m.find(), "VmRSS of " + pid);
        return Long.parseLong(m.group(1));
    }

    /**
     * The sum of the lab jlvsd's samples of {@code family} whose labels include {@code label} (or
     * all of them when it is empty), read from its {@code /metrics} in the director's namespace.
     */
    static long metric(String family, String label) {
        double sum = 0;
        for (String line : metricsText().split("\n")) {
            if ((line.startsWith(family + " ") || line.startsWith(family + "{")) && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return (long) sum;
    }

    /** The lab jlvsd's {@code /metrics}, read in the director's namespace. */
    static String metricsText() {
        Result r = inNamespace(ns("director"), Map.of(), "curl", "-s", "--max-time", "5",
                "http://127.0.0.1:9180/metrics");
        assertEquals(0, r.exitCode(), r::toString);
        return r.output();
    }

    /**
     * A Java main of this test's class path in a new JVM, with the {@code --} options this JVM
     * runs with (native access and the exports the packet sockets need) and a heap of {@code heapMb}.
     */
    static List<String> javaCommand(int heapMb, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-Xmx" + heapMb + "m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** The processes a test started in the background, each writing to a file; {@link #close} ends those still running, by PID. */
    static final class Started implements AutoCloseable {
        private final List<Process> processes = new ArrayList<>();

        /** Starts {@code command} with its output (and errors) into {@code output}. */
        Process start(Path output, List<String> command) throws IOException {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            p.getOutputStream().close();
            processes.add(p);
            return p;
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : processes) {
                if (p.isAlive()) {
                    p.destroy();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** A check that may throw. */
    @FunctionalInterface
    interface Condition {
        boolean holds() throws IOException;
    }

    /**
     * Waits for {@code condition}, checking it at most {@link #WAIT_ATTEMPTS} times, 100 ms
     * apart; fails with {@code what} and jlvsd's log when it never holds. A bound on the checks,
     * not a deadline that a slow machine could miss.
     */
    static void await(String what, Condition condition) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < WAIT_ATTEMPTS; attempt++) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + ": not after " + WAIT_ATTEMPTS + " checks" + jlvsdLog());
    }

    /** One jlvsadm command to the lab jlvsd's control socket {@code socket}, as jlvsadm sends it. */
    static ControlResponse adm(Path socket, String... args) throws IOException {
        return Jlvsadm.call(socket, new ControlRequest(List.of(args), ""));
    }

    /** Asserts that a jlvsadm command succeeded; fails with its error and jlvsd's log. */
    static void ok(ControlResponse r) {
        assertEquals(0, r.exitCode(), () -> r.stderr() + jlvsdLog());
    }

    /** The lab's jlvsd log, for failure messages. */
    static String jlvsdLog() {
        return "\njlvsd log:\n" + readQuietly(RUN.resolve("director-jlvsd.log"));
    }

    /** A file's text, or the error reading it, for failure messages. */
    static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
