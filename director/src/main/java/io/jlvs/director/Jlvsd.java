package io.jlvs.director;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.core.service.SchedulerFlag;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.dataplane.worker.Worker;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.director.control.ControlPlane;
import io.jlvs.director.metrics.Monitoring;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.jlvs.dataplane.kernel.KernelCommandException;
import io.jlvs.dataplane.kernel.NftGuard;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code jlvsd --config FILE [--dry-run]}: the director daemon.
 *
 * <ol>
 *   <li>Loads and validates the service file; errors are printed one per line and it exits
 *       with 2, starting nothing.</li>
 *   <li>Builds the service table and prints one line per service.</li>
 *   <li>With {@code --dry-run}, says what it would open and exits with 0: no socket is
 *       opened.</li>
 *   <li>Checks that packet sockets can be opened (root or CAP_NET_RAW), else exits with 2
 *       and the reason on one line.</li>
 *   <li>Opens the RX and TX rings of every worker on {@code global.interfaces}, starts the
 *       workers and runs until SIGTERM or SIGINT, then stops the workers (which close their
 *       rings) and frees the connection table.</li>
 * </ol>
 * The services run in a {@link Director}, which also keeps the kernel away from the traffic
 * jlvsd owns and reads next hops from the kernel's tables ({@code --neighbour} and
 * {@code --gateway} override them).
 */
@Command(name = "jlvsd", mixinStandardHelpOptions = true,
        description = "The jlvs director: runs the virtual services of a service file on AF_PACKET rings.")
public final class Jlvsd implements Callable<Integer> {
    /** Exit status for a configuration or environment error. */
    static final int EXIT_ERROR = 2;
    /** How often the {@code --status-file} is rewritten. */
    static final long STATUS_PERIOD_MS = 1_000;
    /** Longest wait, before a command is answered, for the kernel's side to have its change. */
    static final long SETTLE_MS = 10_000;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The service file (YAML).")
    Path config;

    @Option(names = "--dry-run", description = "Validate the file and print what would run; open no socket.")
    boolean dryRun;

    @Mixin
    NextHopFlags nextHopFlags = new NextHopFlags();

    @Option(names = "--disable-gro",
            description = "Turn GRO, LRO and hardware GRO off on the interfaces while running (restored on exit).")
    boolean disableGro;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info", converter = LevelOption.class,
            description = "Log events at LEVEL and above: error, warn, info (default) or debug.")
    Log.Level logLevel = Log.Level.INFO;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text", converter = FormatOption.class,
            description = "One line per event as text (default: time, level, message), logfmt or json.")
    Log.Format logFormat = Log.Format.TEXT;

    @Option(names = "--status-file", paramLabel = "FILE",
            description = "Write the services as 'ipvsadm -Ln' lists them to FILE every second (replaced atomically).")
    Path statusFile;

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Throwable> packetSocketProbe;
    private final LongSupplier availableMemory;
    /** Whether this is the process's jlvsd (from {@link #main}), whose log may take over {@code java.util.logging}. */
    private final boolean daemon;

    Jlvsd() {
        this(System.out, System.err, AfPacket::unavailabilityCause, Jlvsd::memAvailableBytes, true);
    }

    /**
     * @param packetSocketProbe why packet sockets cannot be opened, or {@code null} when they can
     */
    Jlvsd(PrintStream out, PrintStream err, Supplier<Throwable> packetSocketProbe) {
        this(out, err, packetSocketProbe, Jlvsd::memAvailableBytes);
    }

    /** As above, with what the machine has available ({@code MemAvailable}, bytes; -1 unknown) from {@code memory}. */
    Jlvsd(PrintStream out, PrintStream err, Supplier<Throwable> packetSocketProbe, LongSupplier memory) {
        this(out, err, packetSocketProbe, memory, false);
    }

    private Jlvsd(PrintStream out, PrintStream err, Supplier<Throwable> packetSocketProbe, LongSupplier memory,
                  boolean daemon) {
        this.daemon = daemon;
        this.out = out;
        this.err = err;
        this.packetSocketProbe = packetSocketProbe;
        this.availableMemory = memory;
    }

    /**
     * Why a connection table of {@code capacity} entries cannot be mapped with
     * {@code availableBytes} of memory available, or {@code null} when it fits (or the amount is
     * unknown, -1).
     */
    static String tableMemoryProblem(int capacity, long availableBytes) {
        long needed = ConnTable.bytesFor(capacity);
        if (availableBytes < 0 || needed <= availableBytes) {
            return null;
        }
        return "connection-table-capacity " + capacity + " needs " + gib(needed) + " of memory and "
                + gib(availableBytes) + " is available; choose a smaller capacity (each entry takes "
                + String.format(Locale.ROOT, "%.1f", ConnTable.bytesFor(1 << 20) / (double) (1 << 20)) + " bytes)";
    }

    /** What the connection table of {@code capacity} entries maps: the line jlvsd prints at start. */
    static String tableSize(int capacity) {
        long bytes = ConnTable.bytesFor(capacity);
        return String.format(Locale.ROOT, "connection table: %d entries, %.1f bytes each, %.1f MiB", capacity,
                bytes / (double) capacity, bytes / (double) (1 << 20));
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** {@code MemAvailable} of {@code /proc/meminfo} in bytes, or -1 when it cannot be read. */
    static long memAvailableBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Runs the daemon and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Jlvsd()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Log log = Log.of(out, err, logLevel, logFormat);
        if (daemon) {
            log.captureJavaLogging();
        }
        ServiceFile file;
        try {
            file = new ServiceFileLoader().load(config);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                log.error(error.toString());
            }
            return EXIT_ERROR;
        }
        GlobalSettings global = file.global();
        NextHopOptions nextHops;
        ServiceTable services;
        try {
            nextHops = nextHopFlags.parse(global.interfaces());
            services = ServiceTable.of(file.services());
        } catch (IllegalArgumentException | IllegalStateException e) {
            log.error(e.getMessage());
            return EXIT_ERROR;
        }
        for (ServiceSpec spec : file.services()) {
            log.info(summary(spec));
        }
        String plan = global.workers() + " worker" + (global.workers() == 1 ? "" : "s") + " on "
                + String.join(", ", global.interfaces()) + ", connection table of "
                + global.connectionTableCapacity() + " entries, timeouts (tcp tcpfin udp) "
                + global.timeouts().tcpSeconds() + " " + global.timeouts().tcpFinSeconds() + " "
                + global.timeouts().udpSeconds();
        String memory = tableMemoryProblem(global.connectionTableCapacity(), availableMemory.getAsLong());
        if (memory != null) {
            log.error(memory);
            return EXIT_ERROR;
        }
        log.info(tableSize(global.connectionTableCapacity()));
        if (dryRun) {
            log.info("dry run: would start " + plan + "; no socket opened");
            return 0;
        }
        Throwable unavailable = packetSocketProbe.get();
        if (unavailable != null) {
            log.error("cannot open packet sockets (" + unavailable.getMessage()
                    + "); run as root or with CAP_NET_RAW");
            return EXIT_ERROR;
        }
        Director director;
        try {
            director = Director.start(global, services, new Director.Options(disableGro, nextHops.neighbours(),
                    nextHops.gatewayMac(), nextHops.gatewayPort(), NftGuard.DEFAULT_TABLE), log);
        } catch (NativeException | SocketException | KernelCommandException e) {
            log.error(e.getMessage());
            return EXIT_ERROR;
        }
        Monitoring monitoring;
        try {
            monitoring = Monitoring.start(director.services(), global.metricsListen(),
                    () -> director.dataPlane().workers().stream().map(Worker::counters).toList(),
                    director.tracker(), log::info);
        } catch (IllegalStateException e) {
            director.close();
            log.error(e.getMessage());
            return EXIT_ERROR;
        }
        ControlPlane control;
        try {
            control = ControlPlane.start(director.services(), file, config, director.tracker(), director.timeouts(),
                    monitoring.healthChecker()::apply, () -> settle(director, log), log);
        } catch (IOException e) {
            monitoring.close();
            director.close();
            log.error(e.getMessage());
            return EXIT_ERROR;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            tellSystemd("STOPPING=1\nSTATUS=stopping", log);
            control.close();
            monitoring.close();
            director.close();
            log.info("stopped; " + director.dataPlane().summary());
            stopped.countDown();
        }, "jlvsd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (statusFile != null) {
            Thread.ofPlatform().daemon().name("jlvsd-status").start(() -> writeStatus(director, log));
        }
        log.info("running " + plan + " (" + director.ports().stream().map(Port::toString)
                .collect(Collectors.joining(", ")) + "), control socket " + control.socket());
        tellSystemd("READY=1\nSTATUS=running " + plan + "\nMAINPID=" + ProcessHandle.current().pid(), log);
        stopped.await();
        return 0;
    }

    /**
     * Waits, before a command is answered, until its change is in effect in the kernel too (the
     * nftables guard or the XDP maps); says so in the log when that takes longer than
     * {@link #SETTLE_MS}, and answers anyway.
     */
    private static void settle(Director director, Log log) {
        try {
            if (!director.awaitKernelSync(SETTLE_MS)) {
                log.warn("a change was answered before the kernel had it: updating nftables or the XDP maps took"
                        + " over " + SETTLE_MS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells systemd {@code state} when it started jlvsd as a {@code Type=notify} service; says so if that fails. */
    private static void tellSystemd(String state, Log log) {
        String problem = SystemdNotify.notify(state);
        if (problem != null) {
            log.warn(problem);
        }
    }

    /** Writes {@link Director#listing()} to the status file every second (write, then rename over it). */
    private void writeStatus(Director director, Log log) {
        Path temporary = statusFile.resolveSibling(statusFile.getFileName() + ".tmp");
        while (true) {
            try {
                writeStatusOnce(temporary, statusFile, director.listing());
                Thread.sleep(STATUS_PERIOD_MS);
            } catch (IOException e) {
                log.error("cannot write the status file " + statusFile + ": " + e.getMessage());
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Writes {@code text} to {@code file} through {@code temporary} without following a link
     * that another user may have planted in a shared directory: a leftover temporary (or a link
     * by that name) is removed, not followed, the temporary is created anew ({@code O_EXCL}), and
     * the rename replaces a link at {@code file} instead of writing through it.
     */
    static void writeStatusOnce(Path temporary, Path file, String text) throws IOException {
        Files.deleteIfExists(temporary);
        Files.writeString(temporary, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * {@code TCP 192.168.10.100:80 wrr -> 192.168.188.81:80 nat w3, 192.168.188.82:80 nat w1}: key,
     * scheduler and its flags, persistence, then each server with method, weight and thresholds ({@code x} upper,
     * {@code y} lower, as ipvsadm's options).
     */
    static String summary(ServiceSpec spec) {
        StringBuilder line = new StringBuilder(spec.key().toString()).append(' ').append(spec.scheduler());
        if (spec.schedulerFlags() != 0) {
            line.append(" flags ").append(String.join(",", SchedulerFlag.namesOf(spec.schedulerFlags(), spec.scheduler())));
        }
        spec.persistence().ifPresent(p -> {
            line.append(" persistent ").append(p.timeoutSeconds());
            if (p.netmask() != -1) {
                line.append(" mask ").append(Ipv4.format(p.netmask()));
            }
        });
        line.append(" ->");
        if (spec.servers().isEmpty()) {
            line.append(" (no real servers)");
        }
        for (int i = 0; i < spec.servers().size(); i++) {
            RealServerSpec s = spec.servers().get(i);
            line.append(i == 0 ? " " : ", ").append(s.endpoint()).append(' ').append(methodName(s.method()))
                    .append(" w").append(s.weight());
            if (s.upperThreshold() != 0) {
                line.append(" x").append(s.upperThreshold());
            }
            if (s.lowerThreshold() != 0) {
                line.append(" y").append(s.lowerThreshold());
            }
        }
        if (spec.key() instanceof ServiceKey.Mark) {
            line.append(" (not matched: frames read from packet sockets carry no firewall mark)");
        }
        return line.toString();
    }

    private static String methodName(ForwardingMethod method) {
        return switch (method) {
            case MASQ -> "nat";
            case TUNNEL -> "tun";
            default -> "dr";
        };
    }

    /** An option whose value a {@code parse} method reads, its refusal reported as picocli reports a bad value. */
    private abstract static class ParsedOption<T> implements CommandLine.ITypeConverter<T> {
        private final Function<String, T> parse;

        ParsedOption(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T convert(String value) {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code --log-level}: {@link Log.Level#parse}. */
    static final class LevelOption extends ParsedOption<Log.Level> {
        LevelOption() {
            super(Log.Level::parse);
        }
    }

    /** {@code --log-format}: {@link Log.Format#parse}. */
    static final class FormatOption extends ParsedOption<Log.Format> {
        FormatOption() {
            super(Log.Format::parse);
        }
    }
}
