package io.jlvs.dataplane.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the kernel's configuration tools ({@code nft}, {@code ip}, {@code ethtool}) as child
 * processes, optionally behind a prefix such as {@code ip netns exec NS} so that tests can aim
 * every command at a network namespace while production runs them in its own.
 *
 * <pre>{@code
 * CommandRunner root = CommandRunner.root();
 * CommandRunner lab = CommandRunner.inNamespace("jlvst-123-1-director");
 * lab.run(List.of("nft", "list", "tables"), null).stdout();
 * }</pre>
 * Control path only: every call forks a process. Thread-safe (holds no mutable state).
 */
public final class CommandRunner {
    private static final long TIMEOUT_SECONDS = 20;
    private static final Map<String, LongAdder> STARTED = new ConcurrentHashMap<>();
    private static final List<String> TOOL_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private final List<String> prefix;
    private final String namespace;

    private CommandRunner(List<String> prefix, String namespace) {
        this.prefix = List.copyOf(prefix);
        this.namespace = namespace;
    }

    /** Runs commands as they are, in this process's network namespace. */
    public static CommandRunner root() {
        return new CommandRunner(List.of(), null);
    }

    /** Runs every command as {@code ip netns exec NAMESPACE command...}. */
    public static CommandRunner inNamespace(String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("network namespace name must not be empty");
        }
        return new CommandRunner(List.of("ip", "netns", "exec", namespace), namespace);
    }

    /**
     * How many processes every runner of this JVM has started, by command name ({@code nft},
     * {@code ip}, {@code ethtool}...), for {@code /metrics}: jlvsd forks only on changes, never in
     * steady state.
     */
    public static Map<String, Long> processesStarted() {
        Map<String, Long> counts = new TreeMap<>();
        STARTED.forEach((name, count) -> counts.put(name, count.sum()));
        return counts;
    }

    /** The network namespace commands run in, or null for this process's own. */
    public String namespace() {
        return namespace;
    }

    /** Whether commands run in this process's own network namespace (no prefix). */
    public boolean isOwnNamespace() {
        return namespace == null;
    }

    /** The output of a finished command. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        /** Whether the command exited 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** The command line as typed, for messages. */
        public String commandLine() {
            return String.join(" ", command);
        }

        /** Stderr, else stdout, stripped: what to show when the command failed. */
        public String diagnostic() {
            String text = stderr.isBlank() ? stdout : stderr;
            return text.strip();
        }
    }

    /**
     * Throws, saying which package to install, unless {@code tool} is an executable on
     * {@code PATH} or in the usual system directories.
     *
     * @param debianPackage the package that ships it, e.g. {@code nftables}
     */
    public void requireTool(String tool, String debianPackage) {
        if (findTool(tool) == null) {
            throw new KernelCommandException("'" + tool + "' is not installed; install the " + debianPackage
                    + " package (apt-get install " + debianPackage + ")");
        }
    }

    /** Whether {@code tool} is installed (see {@link #requireTool}). */
    public boolean hasTool(String tool) {
        return findTool(tool) != null;
    }

    static Path findTool(String tool) {
        Set<String> dirs = new LinkedHashSet<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(TOOL_DIRS);
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }

    /**
     * Runs {@code command} (behind the prefix), feeding it {@code stdin} (null: none), and
     * returns its exit code and output; a command that cannot be started or runs longer than
     * 20 s throws.
     */
    public Result run(List<String> command, String stdin) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(command);
        STARTED.computeIfAbsent(command.isEmpty() ? "" : command.getFirst(), name -> new LongAdder()).increment();
        Process process;
        try {
            process = new ProcessBuilder(full).start();
        } catch (IOException e) {
            throw new KernelCommandException("cannot run '" + String.join(" ", full) + "': " + e.getMessage(), e);
        }
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()),
                Thread::startVirtualThread);
        try {
            writeInput(process, stdin);
            String stdout = readAll(process.getInputStream());
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new KernelCommandException("'" + String.join(" ", full) + "' did not finish within "
                        + TIMEOUT_SECONDS + " s and was killed");
            }
            return new Result(full, process.exitValue(), stdout, stderr.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (UncheckedIOException | ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new KernelCommandException("'" + String.join(" ", full) + "' failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KernelCommandException("interrupted while running '" + String.join(" ", full) + "'", e);
        }
    }

    /** Like {@link #run} but throws with the command's stderr unless it exits 0; returns stdout. */
    public String check(List<String> command, String stdin) {
        Result result = run(command, stdin);
        if (!result.ok()) {
            throw new KernelCommandException("'" + result.commandLine() + "' exited " + result.exitCode() + ": "
                    + result.diagnostic());
        }
        return result.stdout();
    }

    /** Reads a file of this runner's namespace ({@code /proc/net/...}): directly, or through {@code cat}. */
    public String readFile(String path) {
        if (isOwnNamespace()) {
            try {
                return Files.readString(Path.of(path), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new KernelCommandException("cannot read " + path + ": " + e.getMessage(), e);
            }
        }
        return check(List.of("cat", path), null);
    }

    private static void writeInput(Process process, String stdin) {
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException exitedEarly) {
            // The command exited without reading its input (e.g. 'ip netns exec' failed); its exit
            // code and stderr, collected next, say why.
        }
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The namespace commands run in, for messages: {@code namespace NAME} for a runner made
     * by {@link #inNamespace}; for {@link #root()}, the process's own namespace as
     * {@link #describeOwnNamespace} names it (jlvsd started by {@code ip netns exec NAME} runs
     * in NAME, not in the root namespace).
     */
    @Override
    public String toString() {
        return namespace == null ? OwnNamespace.DESCRIPTION : "namespace " + namespace;
    }

    /** This process's network namespace described once, at first use. */
    private static final class OwnNamespace {
        static final String DESCRIPTION = describeOwnNamespace(Path.of("/proc/self/ns/net"),
                Path.of("/proc/1/ns/net"), Path.of("/run/netns"));
    }

    /**
     * Names the network namespace {@code self} is: {@code root namespace} when it is
     * {@code init}'s, {@code namespace NAME} when a file {@code named/NAME} is the same
     * namespace (what {@code ip netns add} makes), else {@code network namespace net:[INODE]}.
     *
     * @param self  the process's namespace file ({@code /proc/self/ns/net})
     * @param init  the root namespace's file ({@code /proc/1/ns/net}; unreadable but to root)
     * @param named the directory of named namespaces ({@code /run/netns})
     */
    static String describeOwnNamespace(Path self, Path init, Path named) {
        if (isSame(self, init)) {
            return "root namespace";
        }
        try (var entries = Files.list(named)) {
            for (Path entry : (Iterable<Path>) entries.sorted()::iterator) {
                if (isSame(self, entry)) {
                    return "namespace " + entry.getFileName();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // No named namespaces, or none readable: fall through to the inode.
        }
        try {
            return "network namespace " + Files.readSymbolicLink(self);
        } catch (IOException | UnsupportedOperationException e) {
            return "network namespace of " + self;
        }
    }

    private static boolean isSame(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
