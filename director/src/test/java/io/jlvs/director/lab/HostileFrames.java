package io.jlvs.director.lab;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.testkit.Mutations;
import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.io.TxRingConfig;
import io.jlvs.dataplane.kernel.Mac;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sends hostile frames at a VIP through a {@link TxRing}, for the lab's chaos test: hand-built
 * broken and odd frames of every kind the parser and the pipeline refuse or pass (bad checksums,
 * lengths and header sizes, options, fragments, VLAN and QinQ tags, martian and land sources,
 * TTL 1, ICMP errors quoting nothing tracked, ARP for the VIP, IPv6), then mutations of them
 * (bytes flipped, cut, repeated, spliced; {@link Mutations#bytes}), each addressed to the
 * director's MAC from the sender's so that the LAN delivers it. Sources stay in
 * 203.0.113.0/24 (never the lab's client), so no frame can belong to a real connection.
 *
 * <p>{@code HostileFrames INTERFACE SRC_MAC DST_MAC VIP COUNT SEED}; exits 0 when the kernel took
 * every frame, printing how many were sent.
 */
public final class HostileFrames {
    private static final int MAX_FRAME_BYTES = 1514;
    private static final int FLUSH_EVERY = 64;
    private static final int FLUSH_ATTEMPTS = 100;

    private HostileFrames() {
    }

    /** The hand-built frames every mutation starts from, at {@code vip}. */
    static List<byte[]> seeds(long sourceMac, long destinationMac, int vip) {
        int client = Ipv4.parse("203.0.113.7");
        List<PacketBuilder> b = new ArrayList<>();
        b.add(frame(sourceMac, destinationMac, client, vip).tcp(40000, 80).tcpFlags(TcpFlyweight.SYN));
        b.add(frame(sourceMac, destinationMac, client, vip).tcp(40001, 80).tcpFlags(TcpFlyweight.ACK)
                .sequence(1, 1).payload("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        b.add(frame(sourceMac, destinationMac, client, vip).tcp(40002, 80).tcpFlags(TcpFlyweight.RST));
        b.add(frame(sourceMac, destinationMac, client, vip).tcp(40003, 80).tcpFlags(0x3F));
        b.add(frame(sourceMac, destinationMac, client, vip).udp(40004, 53).payload("query"));
        b.add(frame(sourceMac, destinationMac, client, vip).icmpEcho(7, 1));
        b.add(frame(sourceMac, destinationMac, client, vip).icmp(3, 3, 0, 0)
                .payload(ipPacketOf(frame(0, 0, vip, client).udp(53, 40005).build())));
        b.add(frame(sourceMac, destinationMac, client, vip).ipChecksum(0x1234));
        b.add(frame(sourceMac, destinationMac, client, vip).ihl(4));
        b.add(frame(sourceMac, destinationMac, client, vip).ihl(15));
        b.add(frame(sourceMac, destinationMac, client, vip).version(6));
        b.add(frame(sourceMac, destinationMac, client, vip).totalLength(20));
        b.add(frame(sourceMac, destinationMac, client, vip).totalLength(1400));
        b.add(frame(sourceMac, destinationMac, client, vip).ipOptions(0x94, 0x04, 0, 0));
        b.add(frame(sourceMac, destinationMac, client, vip).ipOptions(0x44, 0x28, 0x05));
        b.add(frame(sourceMac, destinationMac, client, vip).fragment(true, 0).payload(new byte[64]));
        b.add(frame(sourceMac, destinationMac, client, vip).fragment(false, 8191).payload(new byte[64]));
        b.add(frame(sourceMac, destinationMac, client, vip).vlan(100));
        b.add(frame(sourceMac, destinationMac, client, vip).ttl(1));
        b.add(frame(sourceMac, destinationMac, client, vip).ttl(0));
        b.add(frame(sourceMac, destinationMac, client, vip).dataOffset(2));
        b.add(frame(sourceMac, destinationMac, client, vip).dataOffset(15));
        b.add(frame(sourceMac, destinationMac, client, vip).udp(40006, 53).udpLength(4));
        b.add(frame(sourceMac, destinationMac, client, vip).udp(40007, 53).udpLength(2000));
        b.add(frame(sourceMac, destinationMac, client, vip).truncateTo(30));
        b.add(frame(sourceMac, destinationMac, client, vip).truncateTo(14));
        b.add(frame(sourceMac, destinationMac, Ipv4.parse("255.255.255.255"), vip));
        b.add(frame(sourceMac, destinationMac, Ipv4.parse("224.0.0.1"), vip));
        b.add(frame(sourceMac, destinationMac, 0, vip));
        b.add(frame(sourceMac, destinationMac, Ipv4.parse("127.0.0.1"), vip));
        b.add(frame(sourceMac, destinationMac, vip, vip));
        b.add(frame(sourceMac, destinationMac, client, vip).raw(47).payload(new byte[24]));
        b.add(new PacketBuilder().sourceMac(sourceMac).destinationMac(destinationMac)
                .arp(1, sourceMac, client, 0, vip));
        List<byte[]> frames = new ArrayList<>();
        for (PacketBuilder builder : b) {
            frames.add(builder.build());
        }
        byte[] qinq = frame(sourceMac, destinationMac, client, vip).vlan(200).build();
        byte[] doubleTagged = new byte[qinq.length + 4];
        System.arraycopy(qinq, 0, doubleTagged, 0, 12);
        doubleTagged[12] = (byte) 0x88;
        doubleTagged[13] = (byte) 0xA8;
        doubleTagged[15] = 10;
        System.arraycopy(qinq, 12, doubleTagged, 16, qinq.length - 12);
        frames.add(doubleTagged);
        return frames;
    }

    private static byte[] ipPacketOf(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    private static PacketBuilder frame(long sourceMac, long destinationMac, int source, int destination) {
        return new PacketBuilder().sourceMac(sourceMac).destinationMac(destinationMac).source(source)
                .destination(destination);
    }

    /** {@code HostileFrames INTERFACE SRC_MAC DST_MAC VIP COUNT SEED}. */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: HostileFrames INTERFACE SRC_MAC DST_MAC VIP COUNT SEED");
            System.exit(2);
        }
        long sourceMac = Mac.parse(args[1]);
        long destinationMac = Mac.parse(args[2]);
        int vip = Ipv4.parse(args[3]);
        int count = Integer.parseInt(args[4]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[5]));
        List<byte[]> seeds = seeds(sourceMac, destinationMac, vip);
        MemorySegment header = MemorySegment.ofArray(seeds.getFirst());
        int sent = 0;
        try (TxRing ring = TxRing.open(TxRingConfig.of(args[0]))) {
            for (int i = 0; i < count; i++) {
                byte[] frame = i < seeds.size() ? seeds.get(i)
                        : Mutations.bytes(random, seeds.get(random.nextInt(seeds.size())), seeds, MAX_FRAME_BYTES);
                if (frame.length < 14) {
                    frame = Arrays.copyOf(frame, 14);
                }
                // Delivered by the LAN to the director, whatever the mutation did to the MACs.
                MemorySegment.copy(header, 0, MemorySegment.ofArray(frame), 0, 12);
                if (!ring.offer(MemorySegment.ofArray(frame), 0, frame.length)) {
                    flush(ring);
                    if (!ring.offer(MemorySegment.ofArray(frame), 0, frame.length)) {
                        System.err.println("HostileFrames: the ring refused frame " + i);
                        System.exit(1);
                    }
                }
                sent++;
                if (sent % FLUSH_EVERY == 0) {
                    flush(ring);
                }
            }
            flush(ring);
            System.out.println("hostile frames sent: " + sent);
            System.exit(ring.pendingFrames() == 0 ? 0 : 1);
        }
    }

    private static void flush(TxRing ring) throws InterruptedException {
        for (int attempt = 0; attempt < FLUSH_ATTEMPTS && ring.pendingFrames() > 0; attempt++) {
            long sent = ring.flush();
            if (sent < 0) {
                System.err.println("HostileFrames: send failed, errno " + (-sent));
                System.exit(1);
            }
            if (ring.pendingFrames() > 0) {
                Thread.sleep(1);
            }
        }
    }
}
