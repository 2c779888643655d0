package io.jlvs.director.tools;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.kernel.Mac;
import io.jlvs.dataplane.io.TxRingConfig;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.NativeException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jlvs flood}: 64-byte TCP SYN frames from {@code --flows} flows to
 * {@code --dst}:{@code --port}: flow {@code i} comes from address {@code --src + i % --sources}
 * and port {@code 20000 + i / --sources} (one address and consecutive ports by default), written into an AF_PACKET TX ring
 * as fast as the ring takes them, until {@code --seconds} pass or {@code --max-frames} are sent.
 * The benchmark's packet flood, run in the lab's router or client namespace; it sends only to
 * the given MAC on the given interface. Prints the frames sent and the rate.
 */
@Command(name = "flood", mixinStandardHelpOptions = true,
        description = "Send a bounded flood of 64-byte TCP SYNs through an AF_PACKET TX ring (the lab benchmark's load).")
public final class Flood implements Callable<Integer> {
    /** The frame: Ethernet 14 + IPv4 20 + TCP 20, padded to the Ethernet minimum of 60 (64 with the FCS). */
    static final int FRAME_BYTES = 60;
    private static final int FIRST_PORT = 20_000;
    private static final int PORTS_PER_SOURCE = 45_000;
    private static final int MAX_FLOWS = 2_000_000;
    private static final int MAX_SOURCES = 1 << 24;

    @Option(names = "--interface", required = true, description = "Interface to send on.")
    String interfaceName;

    @Option(names = "--dst-mac", required = true, description = "Destination MAC (the next hop), aa:bb:cc:dd:ee:ff.")
    String destinationMac;

    @Option(names = "--src", required = true, description = "Source IPv4 address of every frame.")
    String source;

    @Option(names = "--dst", required = true, description = "Destination IPv4 address (the VIP).")
    String destination;

    @Option(names = "--port", defaultValue = "80", description = "Destination port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--flows", defaultValue = "1000",
            description = "Flows: source ports 20000 and up on each source address (default ${DEFAULT-VALUE}).")
    int flows;

    @Option(names = "--sources", defaultValue = "1",
            description = "Source addresses, consecutive from --src, taken in turn by the flows (default ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--seconds", defaultValue = "10", description = "Longest run (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--max-frames", defaultValue = "20000000", description = "Most frames (default ${DEFAULT-VALUE}).")
    long maxFrames;

    @Option(names = "--rate", defaultValue = "0",
            description = "Frames per second to offer, paced per batch of 256; 0: as fast as the ring takes them.")
    long rate;

    private final PrintStream out;

    /** Reports to standard output. */
    public Flood() {
        this(System.out);
    }

    Flood(PrintStream out) {
        this.out = out;
    }

    /** The SYN of flow {@code i}, as sent. */
    static byte[] frame(long sourceMac, long destinationMac, int source, int sources, int destination, int port,
                        int flow) {
        byte[] frame = new PacketBuilder().sourceMac(sourceMac).destinationMac(destinationMac)
                .source(source + flow % sources).destination(destination)
                .tcp(FIRST_PORT + flow / sources, port).tcpFlags(TcpFlyweight.SYN)
                .sequence(flow * 7919, 0).build();
        if (frame.length >= FRAME_BYTES) {
            return frame;
        }
        byte[] padded = new byte[FRAME_BYTES];
        System.arraycopy(frame, 0, padded, 0, frame.length);
        return padded;
    }

    @Override
    public Integer call() {
        if (sources < 1 || sources > MAX_SOURCES || flows < 1 || flows > MAX_FLOWS
                || (flows - 1) / sources >= PORTS_PER_SOURCE || port < 1 || port > 65535 || seconds <= 0
                || maxFrames < 1 || rate < 0) {
            System.err.println("jlvs flood: --sources must be 1.." + MAX_SOURCES + ", --flows 1.." + MAX_FLOWS
                    + " and at most " + PORTS_PER_SOURCE + " per source, --port 1..65535, --seconds and --max-frames > 0");
            return 2;
        }
        long dstMac;
        int src;
        int dst;
        try {
            dstMac = Mac.parse(destinationMac);
            src = Ipv4.parse(source);
            dst = Ipv4.parse(destination);
        } catch (IllegalArgumentException e) {
            System.err.println("jlvs flood: " + e.getMessage());
            return 2;
        }
        try (Arena arena = Arena.ofConfined();
             TxRing ring = TxRing.open(new TxRingConfig(interfaceName, 2048, 4096, 256, true))) {
            byte[] mac = AfPacket.hardwareAddress(interfaceName);
            long srcMac = 0;
            for (byte b : mac) {
                srcMac = srcMac << 8 | (b & 0xFF);
            }
            MemorySegment frames = arena.allocate((long) flows * FRAME_BYTES);
            for (int i = 0; i < flows; i++) {
                MemorySegment.copy(MemorySegment.ofArray(frame(srcMac, dstMac, src, sources, dst, port, i)), 0, frames,
                        (long) i * FRAME_BYTES, FRAME_BYTES);
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long sent = 0;
            int flow = 0;
            while (sent < maxFrames) {
                if (ring.offer(frames, (long) flow * FRAME_BYTES, FRAME_BYTES)) {
                    sent++;
                    flow = flow + 1 == flows ? 0 : flow + 1;
                } else {
                    ring.flush();
                }
                if ((sent & 255) == 0) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    if (rate > 0) {
                        ring.flush();
                        long due = start + (long) (sent * 1e9 / rate);
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                    }
                }
            }
            ring.flush();
            double elapsed = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT,
                    "jlvs flood: %d frames in %.2f s (%.0f frames/s) from %s (%d addresses) to %s:%d, %d flows%n",
                    sent, elapsed, sent / elapsed, source, sources, destination, port, flows);
            return 0;
        } catch (NativeException e) {
            System.err.println("jlvs flood: " + e.getMessage() + " (needs root, and the interface " + interfaceName
                    + ")");
            return 1;
        }
    }
}
