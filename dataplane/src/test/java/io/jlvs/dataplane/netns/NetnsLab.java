package io.jlvs.dataplane.netns;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces, veth pairs, bridges, addresses and processes for one test, all named with
 * a prefix unique to this JVM and lab ({@code jlvst-<pid>-<lab>-} for namespaces,
 * {@code jt<pid><lab>} for links), and all removed by {@link #close()} or, if the JVM exits
 * first, by a shutdown hook. Only processes the lab started are ended, by their PID.
 *
 * <pre>{@code
 * NetnsLab.assumeNetnsAvailable();
 * try (NetnsLab lab = NetnsLab.create()) {
 *     String rs = lab.namespace("rs1");
 *     NetnsLab.VethPair link = lab.veth("d", null, "r", rs);   // one end stays in the root namespace
 *     lab.address(rs, link.b(), "10.200.0.2/24");
 *     lab.up(rs, link.b());
 *     lab.start(rs, "sleep", "30");
 * }
 * }</pre>
 * Uses {@code ip} from iproute2; needs root. Not thread-safe: one test thread drives a lab.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final int MAX_LINK_NAME = 15;
    private static volatile String unavailableReason;
    private static volatile boolean probed;

    private final long pid = ProcessHandle.current().pid();
    private final String namespacePrefix;
    private final String linkPrefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> rootLinks = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetnsLab() {
        String lab = Integer.toString(LABS.incrementAndGet(), 36);
        this.namespacePrefix = "jlvst-" + pid + "-" + lab + "-";
        this.linkPrefix = "jt" + pid + lab;
        this.shutdownHook = new Thread(this::cleanUp, "netns-lab-cleanup-" + lab);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A new, empty lab. Call {@link #assumeNetnsAvailable()} first. */
    public static NetnsLab create() {
        return new NetnsLab();
    }

    /**
     * Skips the calling test, saying why, unless this process is root, {@code ip} is installed
     * and {@code ip netns add} works. The probe runs once per JVM.
     */
    public static void assumeNetnsAvailable() {
        if (!probed) {
            unavailableReason = probe();
            probed = true;
        }
        assumeTrue(unavailableReason == null, () -> "network namespace test skipped: " + unavailableReason);
    }

    private static String probe() {
        if (!isRoot()) {
            return "not running as root (namespaces and veth links need CAP_SYS_ADMIN and CAP_NET_ADMIN)";
        }
        if (findIp() == null) {
            return "'ip' (iproute2) is not installed; apt-get install iproute2";
        }
        String name = "jlvst-" + ProcessHandle.current().pid() + "-probe";
        Result add = runCommand(List.of("ip", "netns", "add", name));
        if (add.exitCode() != 0) {
            return "'ip netns add' failed: " + add.output().strip();
        }
        runCommand(List.of("ip", "netns", "del", name));
        return null;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static Path findIp() {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ip"))) {
                return Path.of(dir, "ip");
            }
        }
        return null;
    }

    /** The output and exit code of a finished command. */
    public record Result(int exitCode, String output) {
    }

    /** The two ends of a veth pair; {@code namespaceA}/{@code namespaceB} are null for the root namespace. */
    public record VethPair(String a, String namespaceA, String b, String namespaceB) {
    }

    /** Creates namespace {@code jlvst-<pid>-<lab>-<name>} with {@code lo} up and returns its full name. */
    public String namespace(String name) {
        String full = namespacePrefix + name;
        run(null, "ip", "netns", "add", full);
        namespaces.add(full);
        run(full, "ip", "link", "set", "lo", "up");
        return full;
    }

    /** The full link name for {@code suffix}: {@code jt<pid><lab><suffix>}, at most 15 characters. */
    public String linkName(String suffix) {
        String name = linkPrefix + suffix;
        if (name.length() > MAX_LINK_NAME) {
            throw new IllegalArgumentException("link name '" + name + "' is longer than " + MAX_LINK_NAME
                    + " characters; use a shorter suffix than '" + suffix + "'");
        }
        return name;
    }

    /**
     * Creates a veth pair {@code linkName(suffixA)}/{@code linkName(suffixB)}, moves each end into
     * its namespace (null: stays in the root namespace) and brings both up.
     */
    public VethPair veth(String suffixA, String namespaceA, String suffixB, String namespaceB) {
        String a = linkName(suffixA);
        String b = linkName(suffixB);
        run(null, "ip", "link", "add", a, "type", "veth", "peer", "name", b);
        rootLinks.add(a);
        if (namespaceA != null) {
            run(null, "ip", "link", "set", a, "netns", namespaceA);
            rootLinks.remove(a);
            if (namespaceB == null) {
                rootLinks.add(b);
            }
        }
        if (namespaceB != null) {
            run(null, "ip", "link", "set", b, "netns", namespaceB);
        }
        up(namespaceA, a);
        up(namespaceB, b);
        return new VethPair(a, namespaceA, b, namespaceB);
    }

    /** Creates bridge {@code linkName(suffix)} in {@code namespace} (null: root), up, and returns its name. */
    public String bridge(String suffix, String namespace) {
        String name = linkName(suffix);
        run(namespace, "ip", "link", "add", name, "type", "bridge");
        if (namespace == null) {
            rootLinks.add(name);
        }
        up(namespace, name);
        return name;
    }

    /** Makes {@code link} a port of {@code bridge}, both in {@code namespace}. */
    public void attach(String namespace, String link, String bridge) {
        run(namespace, "ip", "link", "set", link, "master", bridge);
    }

    /** Deletes {@code link} (in the root namespace) on close, for links a test made with {@link #run}. */
    public void adopt(String link) {
        rootLinks.add(link);
    }

    /** Brings {@code link} up. */
    public void up(String namespace, String link) {
        run(namespace, "ip", "link", "set", link, "up");
    }

    /** Adds {@code cidr} (e.g. {@code 10.200.0.1/24}) to {@code link}. */
    public void address(String namespace, String link, String cidr) {
        run(namespace, "ip", "addr", "add", cidr, "dev", link);
    }

    /** Adds a route, e.g. {@code route(ns, "default", "via", "10.200.0.1")}. */
    public void route(String namespace, String... spec) {
        List<String> command = new ArrayList<>(List.of("ip", "route", "add"));
        command.addAll(Arrays.asList(spec));
        run(namespace, command.toArray(String[]::new));
    }

    /** Sets sysctl {@code key} (e.g. {@code net.ipv4.ip_forward}) inside {@code namespace}. */
    public void sysctl(String namespace, String key, String value) {
        Path path = Path.of("/proc/sys", key.replace('.', '/'));
        if (namespace == null) {
            try {
                Files.writeString(path, value);
            } catch (IOException e) {
                throw new UncheckedIOException("sysctl " + key + "=" + value + " failed", e);
            }
        } else {
            run(namespace, "sh", "-c", "echo " + value + " > " + path);
        }
    }

    /** Runs {@code command} in {@code namespace} (null: root) and returns its exit code and output. */
    public Result exec(String namespace, String... command) {
        return runCommand(inNamespace(namespace, command));
    }

    /** Runs {@code command} like {@link #exec} and fails with its output unless it exits 0. */
    public String run(String namespace, String... command) {
        Result result = exec(namespace, command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", inNamespace(namespace, command)) + "' exited "
                    + result.exitCode() + ": " + result.output().strip());
        }
        return result.output();
    }

    /**
     * Starts {@code command} in the background in {@code namespace}, its output discarded; the
     * lab ends it by PID on close. {@code ip netns exec} replaces itself with the command, so the
     * returned process is the command itself.
     */
    public Process start(String namespace, String... command) {
        try {
            Process process = new ProcessBuilder(inNamespace(namespace, command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /** The namespaces this lab created and has not yet deleted. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    private static List<String> inNamespace(String namespace, String... command) {
        List<String> full = new ArrayList<>();
        if (namespace != null) {
            full.addAll(List.of("ip", "netns", "exec", namespace));
        }
        full.addAll(Arrays.asList(command));
        return full;
    }

    private static Result runCommand(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Ends the lab's processes, deletes its links and namespaces; safe to call more than once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already shutting down and runs the hook itself; cleanUp above already ran.
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
        processes.clear();
        for (String link : rootLinks) {
            runCommand(List.of("ip", "link", "del", link));
        }
        rootLinks.clear();
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            runCommand(List.of("ip", "netns", "del", namespaces.get(i)));
        }
        namespaces.clear();
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
