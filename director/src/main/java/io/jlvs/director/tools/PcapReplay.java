package io.jlvs.director.tools;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Defense;
import io.jlvs.core.conn.TableMemory;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.TransportFlyweight;
import io.jlvs.core.packet.Verdict;
import io.jlvs.core.pcap.PcapFormat;
import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapWriter;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.kernel.Mac;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.MemoryFrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.pipeline.PipelineReason;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.director.NextHopFlags;
import io.jlvs.director.NextHopOptions;
import io.jlvs.director.control.ControlCommands;
import io.jlvs.director.control.ControlRequest;
import io.jlvs.director.control.ControlResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.SplittableRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jlvs pcap}: runs a capture of what reached the director through the real packet path
 * (the workers' {@link Pipeline}, connection tracker and schedulers, with in-memory I/O and no
 * socket), writes what the director would have sent, and reports each frame's fate, such as
 * {@code forwarded to RS 192.168.188.81:80 via DR} or {@code dropped: no_next_hop}. For checking
 * a service file against real traffic before deploying it, and for reproducing a problem from
 * an operator's capture.
 *
 * <p>The capture's timestamps are the clock: connections expire and time out as they would
 * have (the sweeper runs every captured second). Next hops come from {@code --neighbour} and
 * {@code --gateway}, as jlvsd's overrides (there is no kernel to ask); the director's MAC from
 * {@code --mac}, else the destination of the capture's first frame. Frames enter on
 * {@code --in}, else the file's first interface. A partial checksum (a locally sent frame
 * captured before the NIC completed it) is recognised and completed, as on AF_XDP. With {@code --list} the end state is printed as {@code jlvsadm -Ln --stats}
 * and {@code -Lnc} would print it then.
 */
@Command(name = "pcap", mixinStandardHelpOptions = true,
        description = "Run a capture through the packet path offline: write what the director would send, and why.")
public final class PcapReplay implements Callable<Integer> {
    private static final int HEADROOM = 64;
    private static final int MAX_FRAME_BYTES = 65_536;
    private static final int SINK_SLOTS = 64;
    private static final long SWEEP_EVERY_MS = 1_000;
    /** Seed of the connection table's hash keys: fixed, so that a run's output does not depend on chance. */
    private static final long HASH_SEED = 0x6A6C7673L;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "The service file.")
    Path config;

    @Mixin
    NextHopFlags nextHopFlags = new NextHopFlags();

    @Option(names = "--mac", paramLabel = "[INTERFACE=]MAC",
            description = "The director's MAC on an interface, or on all (default: the first frame's destination).")
    List<String> macs = new ArrayList<>();

    @Option(names = "--in", paramLabel = "INTERFACE",
            description = "The interface the captured frames came in on (default: the first of global.interfaces).")
    String inInterface;

    @Option(names = "--address", paramLabel = "ADDRESS",
            description = "The director's address: TUN's outer source, ICMP errors' source (default none).")
    String address;

    @Option(names = "--mtu", defaultValue = "1500", description = "The interfaces' MTU (default ${DEFAULT-VALUE}).")
    int mtu;

    @Option(names = "--list", description = "Print -Ln --stats and -Lnc as jlvsadm would at the capture's end.")
    boolean list;

    @Parameters(index = "0", paramLabel = "IN.pcap", description = "Frames that reached the director (Ethernet).")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT.pcap", description = "Where the frames it sends are written.")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServiceFile file;
        try {
            file = new ServiceFileLoader().load(config);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            return 2;
        }
        GlobalSettings global = file.global();
        NextHopOptions hops;
        long[] directorMacs = new long[global.interfaces().size()];
        int ingress = inInterface == null ? 0 : global.interfaces().indexOf(inInterface);
        int directorAddress;
        try {
            if (ingress < 0) {
                throw new IllegalArgumentException("--in " + inInterface + " is not one of global.interfaces "
                        + global.interfaces());
            }
            hops = nextHopFlags.parse(global.interfaces());
            Arrays.fill(directorMacs, -1);
            for (String entry : macs) {
                int eq = entry.indexOf('=');
                long value = Mac.parse(entry.substring(eq + 1));
                if (eq < 0) {
                    Arrays.fill(directorMacs, value);
                } else if (global.interfaces().indexOf(entry.substring(0, eq)) < 0) {
                    throw new IllegalArgumentException("--mac " + entry + ": " + entry.substring(0, eq)
                            + " is not one of global.interfaces " + global.interfaces());
                } else {
                    directorMacs[global.interfaces().indexOf(entry.substring(0, eq))] = value;
                }
            }
            directorAddress = address == null ? 0 : Ipv4.parse(address);
        } catch (IllegalArgumentException e) {
            err.println("jlvs pcap: " + e.getMessage());
            return 2;
        }
        try (PcapReader reader = PcapReader.open(input)) {
            if (reader.linkType() != PcapFormat.LINKTYPE_ETHERNET) {
                err.println("jlvs pcap: " + input + " is not an Ethernet capture (link type " + reader.linkType() + ")");
                return 2;
            }
            return replay(reader, file, hops.withGatewayAsDefault(), directorMacs, ingress, directorAddress, out);
        } catch (IOException e) {
            err.println("jlvs pcap: " + e.getMessage());
            return 2;
        }
    }

    private int replay(PcapReader reader, ServiceFile file, StaticNextHops nextHops, long[] directorMacs,
                       int ingress, int directorAddress, PrintWriter out) throws IOException {
        GlobalSettings global = file.global();
        ServiceTable services = ServiceTable.of(file.services());
        Timeouts timeouts = new Timeouts();
        timeouts.set(global.timeouts().tcpSeconds(), global.timeouts().tcpFinSeconds(), global.timeouts().udpSeconds());
        Defense defense = new Defense();
        global.defense().applyTo(defense);
        MemorySegment frame = MemorySegment.ofArray(new byte[HEADROOM + MAX_FRAME_BYTES]);
        PacketParser before = new PacketParser();
        // Hash keys from a fixed seed: the same capture lists its connections in the same order each run.
        try (ConnTable table = new ConnTable(global.connectionTableCapacity(), ConnTable.DEFAULT_LOAD_FACTOR,
                TableMemory.ARENA, new SplittableRandom(HASH_SEED));
             PcapWriter writer = PcapWriter.create(output)) {
            ConnTracker tracker = new ConnTracker(table, services.registry(), timeouts, new ConnSysctls(), defense);
            List<String> names = global.interfaces();
            Port[] ports = new Port[names.size()];
            MemoryFrameSink[] sinks = new MemoryFrameSink[names.size()];
            Pipeline pipeline = null;
            long firstNs = -1;
            long nowMs = 0;
            long lastSweepMs = Long.MIN_VALUE;
            int number = 0;
            long[] counted = new long[PipelineReason.COUNT];
            while (reader.next()) {
                number++;
                byte[] data = reader.data();
                int length = reader.capturedLength();
                if (pipeline == null) {
                    long firstDestination = length >= 6 ? macAt(data, 0) : 0;
                    for (int p = 0; p < ports.length; p++) {
                        long ownMac = directorMacs[p] >= 0 ? directorMacs[p] : firstDestination;
                        ports[p] = new Port(names.get(p), p + 1, ownMac, mtu, directorAddress);
                        sinks[p] = new MemoryFrameSink(SINK_SLOTS, MAX_FRAME_BYTES);
                    }
                    pipeline = new Pipeline(0, tracker, services, services.newCounters(), ports,
                            sinks.clone(), nextHops, ArpHandler.IGNORE);
                    firstNs = reader.timestampNs();
                }
                nowMs = Math.floorDiv(reader.timestampNs(), 1_000_000L);
                if (nowMs - lastSweepMs >= SWEEP_EVERY_MS || lastSweepMs == Long.MIN_VALUE) {
                    tracker.defend(nowMs, 0);
                    tracker.sweep(nowMs, table.slotCount());
                    lastSweepMs = nowMs;
                }
                int copied = Math.min(length, MAX_FRAME_BYTES);
                MemorySegment.copy(MemorySegment.ofArray(data), 0, frame, HEADROOM, copied);
                Verdict parsed = before.parse(MemorySegment.ofArray(data), 0, copied);
                String what = describe(before, parsed, copied);
                PipelineVerdict verdict = reader.originalLength() > length ? pipeline.dropTruncated()
                        : pipeline.process(ingress, frame, HEADROOM, copied, FrameHandler.STATUS_CHECKSUM_UNKNOWN, nowMs);
                String why = reasonsSince(pipeline.counters(), counted);
                for (int p = 0; p < sinks.length; p++) {
                    for (int i = 0; i < sinks[p].count(); i++) {
                        writer.write(reader.timestampNs(), sinks[p].frame(i));
                    }
                    sinks[p].clear();
                }
                out.printf(Locale.ROOT, "%d %.6f %s: %s%n", number, (reader.timestampNs() - firstNs) / 1e9, what,
                        fate(verdict, why, before, parsed, table));
            }
            out.printf("%d frames%n", number);
            if (list) {
                long endMs = nowMs;
                ControlCommands commands = new ControlCommands(services, file, config, tracker, timeouts, () -> endMs);
                for (List<String> command : List.of(List.of("-L", "-n", "--stats"), List.of("-L", "-n", "-c"))) {
                    ControlResponse r = commands.execute(new ControlRequest(command, ""));
                    out.println("# jlvsadm " + String.join(" ", command));
                    out.print(r.stdout());
                }
            }
        }
        return 0;
    }

    /** The reasons counted since {@code counted} was taken (the last frame), which it is brought up to. */
    private static String reasonsSince(PipelineCounters now, long[] counted) {
        StringBuilder why = new StringBuilder();
        for (PipelineReason r : PipelineReason.values()) {
            long n = now.reasonCount(r);
            if (n != counted[r.ordinal()]) {
                why.append(why.isEmpty() ? "" : ", ").append(r.name().toLowerCase(Locale.ROOT));
                counted[r.ordinal()] = n;
            }
        }
        return why.toString();
    }

    /** What happened to the frame described by {@code parsed} (parsed before the pipeline rewrote it). */
    private static String fate(PipelineVerdict verdict, String why, PacketParser p, Verdict parsed, ConnTable table) {
        return switch (verdict) {
            case FORWARDED -> forwardedTo(p, parsed, table) + (why.isEmpty() ? "" : " (" + why + ")");
            case DROPPED -> "dropped: " + why;
            case PASSED -> "passed to the kernel: " + why;
            case REPLIED -> "answered: " + why;
        };
    }

    private static String forwardedTo(PacketParser p, Verdict parsed, ConnTable table) {
        if (parsed != Verdict.IPV4_TCP && parsed != Verdict.IPV4_UDP) {
            return "forwarded";
        }
        TransportFlyweight l4 = parsed == Verdict.IPV4_TCP ? p.tcp() : p.udp();
        int proto = p.ipv4().protocol();
        int src = p.ipv4().sourceAddress();
        int dst = p.ipv4().destinationAddress();
        long ref = table.lookupRef(ConnTable.KIND_CONN, proto, src, l4.sourcePort(), dst, l4.destinationPort());
        if (ref >= 0) {
            int slot = ConnTable.slotOf(ref);
            return "forwarded to RS " + Ipv4.format(table.daddr(slot)) + ":" + table.dport(slot) + " via "
                    + methodOf(table, slot);
        }
        ref = table.lookupReplyRef(proto, src, l4.sourcePort(), dst, l4.destinationPort());
        if (ref >= 0) {
            int slot = ConnTable.slotOf(ref);
            return "forwarded to client " + Ipv4.format(table.caddr(slot)) + ":" + table.cport(slot) + " from "
                    + Ipv4.format(table.vaddr(slot)) + ":" + table.vport(slot) + " (NAT reply)";
        }
        return "forwarded";
    }

    private static String methodOf(ConnTable table, int slot) {
        return switch (ConnTable.method(table.control(slot))) {
            case ROUTE -> "DR";
            case MASQ -> "NAT";
            case TUNNEL -> "TUN";
            case LOCAL -> "local";
        };
    }

    /** One line about the frame: protocol, addresses and ports, TCP flags; or what it is. */
    private static String describe(PacketParser p, Verdict v, int length) {
        return switch (v) {
            case IPV4_TCP -> "TCP " + Ipv4.format(p.ipv4().sourceAddress()) + ":" + p.tcp().sourcePort() + " > "
                    + Ipv4.format(p.ipv4().destinationAddress()) + ":" + p.tcp().destinationPort()
                    + " [" + flags(p.tcp().flags()) + "]";
            case IPV4_UDP -> "UDP " + Ipv4.format(p.ipv4().sourceAddress()) + ":" + p.udp().sourcePort() + " > "
                    + Ipv4.format(p.ipv4().destinationAddress()) + ":" + p.udp().destinationPort();
            case IPV4_ICMP -> "ICMP " + Ipv4.format(p.ipv4().sourceAddress()) + " > "
                    + Ipv4.format(p.ipv4().destinationAddress());
            case DROP -> "malformed (" + p.dropReason().name().toLowerCase(Locale.ROOT) + ")";
            default -> v.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " frame of " + length + " bytes";
        };
    }

    private static String flags(int f) {
        StringBuilder s = new StringBuilder();
        if ((f & TcpFlyweight.SYN) != 0) {
            s.append('S');
        }
        if ((f & TcpFlyweight.FIN) != 0) {
            s.append('F');
        }
        if ((f & TcpFlyweight.RST) != 0) {
            s.append('R');
        }
        if ((f & TcpFlyweight.PSH) != 0) {
            s.append('P');
        }
        if ((f & TcpFlyweight.ACK) != 0) {
            s.append('.');
        }
        return s.toString();
    }

    private static long macAt(byte[] data, int offset) {
        return HexFormat.fromHexDigitsToLong(HexFormat.of().formatHex(data, offset, offset + 6));
    }
}
