package io.jlvs.dataplane.pipeline;

import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.service.ServiceTable;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A director with one interface and in-memory I/O, for pipeline tests. The topology:
 * <pre>
 *  client 203.0.113.5 ── router 02:00:00:00:00:01 ── eth0 [director 02:00:00:00:00:dd, DIP 192.168.10.1,
 *                                                          VIP 192.168.10.100]
 *                                                    ── rs1 192.168.188.81 (02:00:00:00:00:81)
 *                                                    ── rs2 192.168.188.82 (02:00:00:00:00:82)
 * </pre>
 * Real servers are neighbours; every other address goes through the router.
 */
final class Lab {
    static final long DIRECTOR_MAC = 0x02_00_00_00_00_DDL;
    static final long ROUTER_MAC = 0x02_00_00_00_00_01L;
    static final long RS1_MAC = 0x02_00_00_00_00_81L;
    static final long RS2_MAC = 0x02_00_00_00_00_82L;
    static final int DIP = Ipv4.parse("192.168.10.1");
    static final int VIP = Ipv4.parse("192.168.10.100");
    static final int CLIENT = Ipv4.parse("203.0.113.5");
    static final int RS1 = Ipv4.parse("192.168.188.81");
    static final int RS2 = Ipv4.parse("192.168.188.82");
    static final int MTU = 1500;
    /** Bytes in front of an input frame (room for a TUN header). */
    static final int HEADROOM = 64;
    static final long NOW_MS = 1_000_000;

    final ServiceTable services;
    final ConnTable table;
    final ConnTracker tracker;
    final MemoryFrameSink sink = new MemoryFrameSink(64, 2048);
    /** Addresses the pipeline found no next hop for. */
    final List<Integer> missing = new ArrayList<>();
    /** IP packets handed to the kernel's output, with their next-hop address first (4 bytes, big-endian). */
    final List<byte[]> kernelSent = new ArrayList<>();
    /** Whether the kernel's output takes packets. */
    boolean kernelTakes = true;
    final Pipeline pipeline;
    private final MemorySegment input = MemorySegment.ofArray(new byte[HEADROOM + 2048]);

    Lab(List<ServiceSpec> specs) {
        this(specs, 1024);
    }

    Lab(List<ServiceSpec> specs, int tableCapacity) {
        services = ServiceTable.of(specs);
        table = new ConnTable(tableCapacity);
        tracker = new ConnTracker(table, services.registry(), new Timeouts(), new ConnSysctls());
        StaticNextHops neighbours = new StaticNextHops().neighbour(RS1, RS1_MAC, 0).neighbour(RS2, RS2_MAC, 0);
        NextHops nextHops = new NextHops() {
            @Override
            public long macOf(int address) {
                // The router for addresses outside 192.168.0.0/16; real servers must be neighbours.
                return (address >>> 16) == 0xC0A8 ? neighbours.macOf(address) : ROUTER_MAC;
            }

            @Override
            public void missing(int address) {
                missing.add(address);
            }
        };
        Port eth0 = new Port("eth0", 2, DIRECTOR_MAC, MTU, DIP);
        pipeline = new Pipeline(0, tracker, services, services.newCounters(), new Port[] {eth0},
                new FrameSink[] {sink}, nextHops, ArpHandler.IGNORE, (segment, offset, lengthBytes, destination) -> {
                    if (kernelTakes) {
                        byte[] packet = new byte[4 + lengthBytes];
                        MemorySegment.ofArray(packet).set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED
                                .withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0, destination);
                        MemorySegment.copy(segment, offset, MemorySegment.ofArray(packet), 4, lengthBytes);
                        kernelSent.add(packet);
                    }
                    return kernelTakes;
                });
    }

    /** Copies {@code frame} behind the headroom and runs it through the pipeline. */
    PipelineVerdict process(byte[] frame) {
        return process(frame, 0);
    }

    PipelineVerdict process(byte[] frame, int tpStatus) {
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, input, HEADROOM, frame.length);
        return pipeline.process(0, input, HEADROOM, frame.length, tpStatus, NOW_MS);
    }

    /** Copies {@code lengthBytes} of {@code frame} behind the headroom and runs it; allocation-free. */
    PipelineVerdict process(MemorySegment frame, int lengthBytes) {
        MemorySegment.copy(frame, 0, input, HEADROOM, lengthBytes);
        return pipeline.process(0, input, HEADROOM, lengthBytes, 0, NOW_MS);
    }

    /** The frames sent since the last call, and forgets them. */
    List<byte[]> sent() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < sink.count(); i++) {
            frames.add(sink.frame(i));
        }
        sink.clear();
        return frames;
    }

    static ServiceSpec service(Protocol protocol, int port, String scheduler, RealServerSpec... servers) {
        return new ServiceSpec(new ServiceKey.Address(protocol, VIP, port), scheduler, 0, Optional.empty(),
                List.of(servers));
    }

    static ServiceSpec persistent(Protocol protocol, int port, String scheduler, RealServerSpec... servers) {
        return new ServiceSpec(new ServiceKey.Address(protocol, VIP, port), scheduler, 0,
                Optional.of(Persistence.DEFAULT), List.of(servers));
    }

    static RealServerSpec server(int address, int port, ForwardingMethod method, int weight) {
        return new RealServerSpec(address, port, weight, method, 0, 0);
    }

    /** A frame from the client, as the router delivers it to the director. */
    static PacketBuilder fromClient() {
        return new PacketBuilder().sourceMac(ROUTER_MAC).destinationMac(DIRECTOR_MAC).source(CLIENT).destination(VIP);
    }

    /** A frame from a real server to the client, delivered to the director (its gateway). */
    static PacketBuilder fromServer(int server, long serverMac) {
        return new PacketBuilder().sourceMac(serverMac).destinationMac(DIRECTOR_MAC).source(server).destination(CLIENT);
    }
}
