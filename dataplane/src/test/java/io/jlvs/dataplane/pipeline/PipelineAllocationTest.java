package io.jlvs.dataplane.pipeline;

import static io.jlvs.dataplane.pipeline.Lab.RS1;
import static io.jlvs.dataplane.pipeline.Lab.RS1_MAC;
import static io.jlvs.dataplane.pipeline.Lab.RS2;
import static io.jlvs.dataplane.pipeline.Lab.fromClient;
import static io.jlvs.dataplane.pipeline.Lab.fromServer;
import static io.jlvs.dataplane.pipeline.Lab.server;
import static io.jlvs.dataplane.pipeline.Lab.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Allocations;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The packet path allocates nothing: per forwarding method, 10 000 packets (100 new
 * connections, then their ACKs; for NAT every client packet is followed by the real
 * server's reply) go through the pipeline over an in-memory sink, after warm-up rounds on
 * other connections, and the worker thread's allocated bytes do not move; likewise 10 000
 * datagrams of a one-packet UDP service, each scheduled and its entry ended.
 */
class PipelineAllocationTest {
    private static final int PACKETS = 10_000;
    private static final int CONNECTIONS = 100;
    private static final int WARMUP_ROUNDS = 6;
    private static final int MEASURES = 3;

    private final Lab lab = new Lab(List.of(
            service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1),
                    server(RS2, 80, ForwardingMethod.ROUTE, 1)),
            service(Protocol.TCP, 8080, "wlc", server(RS1, 8000, ForwardingMethod.MASQ, 1)),
            service(Protocol.TCP, 443, "rr", server(RS2, 443, ForwardingMethod.TUNNEL, 1)),
            new ServiceSpec(new ServiceKey.Address(Protocol.UDP, Lab.VIP, 53), "rr", 0, Optional.empty(),
                    List.of(server(RS1, 53, ForwardingMethod.ROUTE, 1), server(RS2, 53, ForwardingMethod.ROUTE, 1)),
                    Optional.empty(), true)), 1 << 16);

    /** SYNs, ACKs and (NAT) replies of {@link #CONNECTIONS} connections from client ports {@code firstPort...}. */
    private record Flows(MemorySegment[] syn, MemorySegment[] ack, MemorySegment[] reply, int lengthBytes) {
        static Flows of(int vport, int firstPort, boolean nat) {
            MemorySegment[] syn = new MemorySegment[CONNECTIONS];
            MemorySegment[] ack = new MemorySegment[CONNECTIONS];
            MemorySegment[] reply = new MemorySegment[CONNECTIONS];
            int length = 0;
            for (int i = 0; i < CONNECTIONS; i++) {
                int port = firstPort + i;
                byte[] s = fromClient().tcp(port, vport).tcpFlags(TcpFlyweight.SYN).payload(new byte[16]).build();
                syn[i] = MemorySegment.ofArray(s);
                ack[i] = MemorySegment.ofArray(fromClient().tcp(port, vport).tcpFlags(TcpFlyweight.ACK)
                        .sequence(1, 1).payload(new byte[16]).build());
                reply[i] = nat ? MemorySegment.ofArray(fromServer(RS1, RS1_MAC).tcp(8000, port)
                        .tcpFlags(TcpFlyweight.ACK).sequence(1, 1).payload(new byte[16]).build()) : null;
                length = s.length;
            }
            return new Flows(syn, ack, nat ? reply : null, length);
        }
    }

    /** Runs {@link #PACKETS} packets of {@code flows}; returns how many were forwarded. */
    private int run(Flows flows) {
        int forwarded = 0;
        int packets = 0;
        for (int round = 0; packets < PACKETS; round++) {
            for (int i = 0; i < CONNECTIONS && packets < PACKETS; i++) {
                MemorySegment in = round == 0 ? flows.syn()[i] : flows.ack()[i];
                forwarded += lab.process(in, flows.lengthBytes()) == PipelineVerdict.FORWARDED ? 1 : 0;
                packets++;
                if (flows.reply() != null && packets < PACKETS) {
                    forwarded += lab.process(flows.reply()[i], flows.lengthBytes()) == PipelineVerdict.FORWARDED ? 1 : 0;
                    packets++;
                }
                lab.sink.clear();
            }
        }
        return forwarded;
    }

    private void assertNoAllocation(int vport, boolean nat) {
        for (int w = 0; w < WARMUP_ROUNDS; w++) {
            assertEquals(PACKETS, run(Flows.of(vport, 10_000 + w * CONNECTIONS, nat)), "warm-up round " + w);
        }
        // The least of a few measures (each on new connections): a JIT recompilation during
        // one run can allocate a few hundred bytes once, a per-packet allocation shows in every run.
        long bytes = Long.MAX_VALUE;
        for (int m = 0; m < MEASURES && bytes > 0; m++) {
            Flows measured = Flows.of(vport, 30_000 + m * CONNECTIONS, nat);
            int[] forwarded = new int[1];
            bytes = Math.min(bytes, Allocations.measure(() -> forwarded[0] = run(measured)));
            assertEquals(PACKETS, forwarded[0], "every packet forwarded");
        }
        assertEquals(0, bytes, "bytes allocated by " + PACKETS + " packets");
    }

    @Test
    void directRoutingAllocatesNothing() {
        assertNoAllocation(80, false);
    }

    @Test
    void natBothWaysAllocatesNothing() {
        assertNoAllocation(8080, true);
    }

    @Test
    void tunnellingAllocatesNothing() {
        assertNoAllocation(443, false);
    }

    @Test
    void onePacketSchedulingAllocatesNothing() {
        MemorySegment[] datagrams = new MemorySegment[CONNECTIONS];
        int length = 0;
        for (int i = 0; i < CONNECTIONS; i++) {
            byte[] d = fromClient().udp(20_000 + i, 53).payload(new byte[16]).build();
            datagrams[i] = MemorySegment.ofArray(d);
            length = d.length;
        }
        int lengthBytes = length;
        Runnable run = () -> {
            for (int p = 0; p < PACKETS; p++) {
                assertEquals(PipelineVerdict.FORWARDED, lab.process(datagrams[p % CONNECTIONS], lengthBytes));
                lab.sink.clear();
            }
        };
        for (int w = 0; w < WARMUP_ROUNDS; w++) {
            run.run();
        }
        long bytes = Long.MAX_VALUE;
        for (int m = 0; m < MEASURES && bytes > 0; m++) {
            bytes = Math.min(bytes, Allocations.measure(run));
        }
        assertEquals(0, bytes, "bytes allocated by " + PACKETS + " datagrams each scheduled and ended");
        assertEquals(0, lab.tracker.table().size(), "no one-packet entry left");
    }
}
