package io.jlvs.director;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.SchedulerFlag;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.dataplane.worker.DataPlane;
import io.jlvs.director.control.ControlPlane;
import io.jlvs.director.metrics.Monitoring;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * Next hops come from {@code --neighbour} and {@code --gateway} until jlvsd reads the
 * kernel's neighbour and route tables.
 */
@Command(name = "jlvsd", mixinStandardHelpOptions = true,
        description = "The jlvs director: runs the virtual services of a service file on AF_PACKET rings.")
public final class Jlvsd implements Callable<Integer> {
    /** Exit status for a configuration or environment error. */
    static final int EXIT_ERROR = 2;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The service file (YAML).")
    Path config;

    @Option(names = "--dry-run", description = "Validate the file and print what would run; open no socket.")
    boolean dryRun;

    @Option(names = "--neighbour", paramLabel = "ADDRESS=MAC[@INTERFACE]",
            description = "A next hop: real server or router address and its MAC (repeatable).")
    List<String> neighbours = new ArrayList<>();

    @Option(names = "--gateway", paramLabel = "MAC[@INTERFACE]",
            description = "The next hop for addresses without a --neighbour entry (the router towards clients).")
    String gateway;

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Throwable> packetSocketProbe;

    Jlvsd() {
        this(System.out, System.err, AfPacket::unavailabilityCause);
    }

    /**
     * @param packetSocketProbe why packet sockets cannot be opened, or {@code null} when they can
     */
    Jlvsd(PrintStream out, PrintStream err, Supplier<Throwable> packetSocketProbe) {
        this.out = out;
        this.err = err;
        this.packetSocketProbe = packetSocketProbe;
    }

    /** Runs the daemon and exits with its status. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Jlvsd()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        ServiceFile file;
        try {
            file = new ServiceFileLoader().load(config);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            return EXIT_ERROR;
        }
        GlobalSettings global = file.global();
        StaticNextHops nextHops;
        ServiceTable services;
        try {
            nextHops = nextHops(global.interfaces());
            services = ServiceTable.of(file.services());
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("jlvsd: " + e.getMessage());
            return EXIT_ERROR;
        }
        for (ServiceSpec spec : file.services()) {
            out.println(summary(spec));
        }
        String plan = global.workers() + " worker" + (global.workers() == 1 ? "" : "s") + " on "
                + String.join(", ", global.interfaces()) + ", connection table of "
                + global.connectionTableCapacity() + " entries, timeouts (tcp tcpfin udp) "
                + global.timeouts().tcpSeconds() + " " + global.timeouts().tcpFinSeconds() + " "
                + global.timeouts().udpSeconds();
        if (dryRun) {
            out.println("jlvsd: dry run: would start " + plan + "; no socket opened");
            return 0;
        }
        Throwable unavailable = packetSocketProbe.get();
        if (unavailable != null) {
            err.println("jlvsd: cannot open packet sockets (" + unavailable.getMessage()
                    + "); run as root or with CAP_NET_RAW");
            return EXIT_ERROR;
        }
        List<Port> ports;
        try {
            ports = ports(global.interfaces());
        } catch (NativeException | SocketException e) {
            err.println("jlvsd: " + e.getMessage());
            return EXIT_ERROR;
        }
        Timeouts timeouts = new Timeouts();
        timeouts.set(global.timeouts().tcpSeconds(), global.timeouts().tcpFinSeconds(), global.timeouts().udpSeconds());
        ConnTable table = new ConnTable(global.connectionTableCapacity());
        ConnTracker tracker = new ConnTracker(table, services.registry(), timeouts, new ConnSysctls());
        DataPlane dataPlane;
        try {
            dataPlane = DataPlane.open(ports, global.workers(), tracker, services, nextHops, ArpHandler.IGNORE);
        } catch (NativeException e) {
            table.close();
            err.println("jlvsd: " + e.getMessage());
            return EXIT_ERROR;
        }
        dataPlane.start();
        Monitoring monitoring;
        try {
            monitoring = Monitoring.start(services, global.metricsListen(),
                    () -> dataPlane.workers().stream().map(w -> w.pipeline().counters()).toList(), out::println);
        } catch (IllegalStateException e) {
            dataPlane.close();
            table.close();
            err.println("jlvsd: " + e.getMessage());
            return EXIT_ERROR;
        }
        ControlPlane control;
        try {
            control = ControlPlane.start(services, file, config, tracker, timeouts,
                    monitoring.healthChecker()::apply, err);
        } catch (IOException e) {
            err.println("jlvsd: " + e.getMessage());
            monitoring.close();
            dataPlane.close();
            table.close();
            return EXIT_ERROR;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            control.close();
            monitoring.close();
            dataPlane.close();
            table.close();
            PipelineCounters c = dataPlane.counters();
            err.println("jlvsd: stopped; frames forwarded " + c.verdictCount(PipelineVerdict.FORWARDED)
                    + ", replied " + c.verdictCount(PipelineVerdict.REPLIED) + ", passed "
                    + c.verdictCount(PipelineVerdict.PASSED) + ", dropped " + c.verdictCount(PipelineVerdict.DROPPED));
            stopped.countDown();
        }, "jlvsd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("jlvsd: running " + plan + " (" + ports.stream().map(Port::toString)
                .collect(Collectors.joining(", ")) + "), control socket " + control.socket());
        stopped.await();
        return 0;
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

    private StaticNextHops nextHops(List<String> interfaces) {
        StaticNextHops hops = new StaticNextHops();
        for (String entry : neighbours) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--neighbour " + entry + ": expected ADDRESS=MAC[@INTERFACE]");
            }
            String[] macAndPort = entry.substring(eq + 1).split("@", 2);
            hops.neighbour(Ipv4.parse(entry.substring(0, eq)), StaticNextHops.parseMac(macAndPort[0]),
                    portIndex(interfaces, macAndPort, entry));
        }
        if (gateway != null) {
            String[] macAndPort = gateway.split("@", 2);
            hops.defaultRoute(StaticNextHops.parseMac(macAndPort[0]), portIndex(interfaces, macAndPort, gateway));
        }
        return hops;
    }

    private static int portIndex(List<String> interfaces, String[] macAndPort, String entry) {
        if (macAndPort.length < 2) {
            return 0;
        }
        int index = interfaces.indexOf(macAndPort[1]);
        if (index < 0) {
            throw new IllegalArgumentException(entry + ": interface " + macAndPort[1]
                    + " is not one of global.interfaces " + interfaces);
        }
        return index;
    }

    private static List<Port> ports(List<String> interfaces) throws NativeException, SocketException {
        List<Port> ports = new ArrayList<>();
        for (String name : interfaces) {
            int ifindex = AfPacket.interfaceIndex(name);
            byte[] mac = AfPacket.hardwareAddress(name);
            long macValue = ByteBuffer.allocate(8).put(new byte[2]).put(mac).flip().getLong();
            ports.add(new Port(name, ifindex, macValue, AfPacket.mtu(name), ipv4Address(name)));
        }
        return ports;
    }

    /** The first IPv4 address of the interface, host byte order, or 0. */
    private static int ipv4Address(String name) throws SocketException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif != null) {
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4) {
                    return ByteBuffer.wrap(v4.getAddress()).getInt();
                }
            }
        }
        return 0;
    }
}
