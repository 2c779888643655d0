package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The guard against the director's real kernel, in namespaces: a VIP configured on the director,
 * nothing listening on VIP:80, a client next to it.
 */
@Privileged
class NftGuardNetnsTest {
    private static final String VIP = "10.213.0.50";
    private static final String CONNECT = "exec 3<>/dev/tcp/" + VIP + "/80";

    private static NftGuard.Rules serviceRules(TwoHostLab lab) {
        return new NftGuard.Rules(List.of(lab.directorLink),
                List.of(OwnedFlow.service(Protocol.TCP, Ipv4.parse(VIP), 80)), List.of());
    }

    @Test
    void kernelResetsWithoutGuardAndStaysSilentWithIt() {
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.address(lab.director, lab.directorLink, VIP + "/32");
            lab.probe(lab.client, lab.clientLink, "ip saddr " + VIP + " tcp flags & rst == rst");

            NetnsLab.Result refused = lab.lab.exec(lab.client, "timeout", "2", "bash", "-c", CONNECT);
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("Connection refused"), refused.output());
            long resets = lab.probeCount(lab.client);
            assertTrue(resets >= 1, "the kernel answered the SYN with a RST");

            try (NftGuard guard = NftGuard.install(lab.directorRunner, NftGuard.DEFAULT_TABLE, serviceRules(lab))) {
                NetnsLab.Result timedOut = lab.lab.exec(lab.client, "timeout", "2", "bash", "-c", CONNECT);
                assertEquals(124, timedOut.exitCode(), "connect must time out, not be refused: " + timedOut.output());
                assertEquals(resets, lab.probeCount(lab.client), "no RST may reach the client under the guard");
                assertTrue(TwoHostLab.guardCount(guard, "service TCP " + VIP + ":80") >= 1,
                        "the guard's rule dropped the SYN: " + guard.counters());

                NetnsLab.Result otherPort = lab.lab.exec(lab.client, "timeout", "2", "bash", "-c",
                        "exec 3<>/dev/tcp/" + VIP + "/81");
                assertTrue(otherPort.output().contains("Connection refused"),
                        "a port jlvs does not own stays the kernel's: " + otherPort.output());
            }
            assertFalse(lab.hasTable(lab.director, NftGuard.DEFAULT_TABLE), "close() removes the table");
        }
    }

    @Test
    void pingToTheVipStillAnswersUnderTheGuard() {
        TwoHostLab.assumeTool("ping", "iputils-ping");
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.address(lab.director, lab.directorLink, VIP + "/32");
            try (NftGuard guard = NftGuard.install(lab.directorRunner, NftGuard.DEFAULT_TABLE, serviceRules(lab))) {
                NetnsLab.Result ping = lab.lab.exec(lab.client, "ping", "-c", "1", "-W", "2", VIP);
                assertEquals(0, ping.exitCode(), ping.output());
                assertTrue(guard.exists());
            }
        }
    }

    @Test
    void closeIsIdempotentAndRemovesTheTable() {
        try (TwoHostLab lab = TwoHostLab.create()) {
            NftGuard guard = NftGuard.install(lab.directorRunner, NftGuard.DEFAULT_TABLE, serviceRules(lab))
                    .removeOnShutdown();
            assertTrue(lab.hasTable(lab.director, "jlvs"));
            guard.close();
            guard.close();
            assertFalse(lab.hasTable(lab.director, "jlvs"));
            assertThrows(IllegalStateException.class, () -> guard.apply(serviceRules(lab)));
        }
    }

    @Test
    void staleTableFromACrashIsReplacedAtNextStart() {
        Logger logger = Logger.getLogger(NftGuard.class.getName());
        List<String> messages = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.run(lab.director, "nft", "add table netdev jlvs");
            lab.lab.run(lab.director, "nft", "add chain netdev jlvs left_behind");
            try (NftGuard guard = NftGuard.install(lab.directorRunner, NftGuard.DEFAULT_TABLE, serviceRules(lab))) {
                String listing = lab.lab.run(lab.director, "nft", "list", "table", "netdev", "jlvs");
                assertFalse(listing.contains("left_behind"), listing);
                assertTrue(listing.contains("chain ingress_" + lab.directorLink), listing);
                assertEquals(1, guard.counters().size());
            }
            assertFalse(lab.hasTable(lab.director, "jlvs"));
            assertTrue(messages.stream().anyMatch(m -> m.contains("removing stale nftables table netdev jlvs")),
                    "the removal is logged: " + messages);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void reapplyingReplacesTheRuleSet() {
        try (TwoHostLab lab = TwoHostLab.create();
                NftGuard guard = NftGuard.install(lab.directorRunner, "jlvs", serviceRules(lab))) {
            guard.apply(new NftGuard.Rules(List.of(lab.directorLink),
                    List.of(OwnedFlow.service(Protocol.UDP, Ipv4.parse(VIP), 53),
                            OwnedFlow.service(Protocol.TCP, Ipv4.parse(VIP), 443)), List.of()));
            List<String> comments = guard.counters().stream().map(NftGuard.RuleCounter::comment).toList();
            assertEquals(List.of("service UDP " + VIP + ":53", "service TCP " + VIP + ":443"), comments);
        }
    }

    @Test
    void commandFailuresCarryTheirErrorOutput() {
        NetnsLab.assumeNetnsAvailable();
        TwoHostLab.assumeTool("nft", "nftables");
        CommandRunner nowhere = CommandRunner.inNamespace("jlvst-no-such-namespace");
        KernelCommandException e = assertThrows(KernelCommandException.class,
                () -> NftGuard.install(nowhere, "jlvs", new NftGuard.Rules(List.of("eth0"), List.of(), List.of())));
        assertTrue(e.getMessage().contains("Cannot open network namespace"), e.getMessage());
    }

    /**
     * A NAT real server's reply, with forwarding on, is forwarded by the kernel to the client
     * without the guard and dropped at ingress with it; a packet from the same RIP:rport to the
     * director's own address (a health check's reply) still passes.
     */
    @Test
    void natRepliesAreDroppedAtIngressButRepliesToTheDirectorPass() throws Exception {
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: AF_PACKET unavailable: " + AfPacket.unavailabilityCause());
        try (TwoHostLab lab = TwoHostLab.create()) {
            NetnsLab.VethPair serverSide = lab.lab.veth("s", null, "t", lab.director);
            String rootEnd = serverSide.a();
            String directorServerLink = serverSide.b();
            lab.lab.address(lab.director, directorServerLink, "10.213.1.1/24");
            lab.lab.sysctl(lab.director, "net.ipv4.ip_forward", "1");
            lab.lab.route(lab.client, "10.213.1.0/24", "via", TwoHostLab.DIRECTOR_ADDRESS);
            lab.probe(lab.client, lab.clientLink, "ip saddr 10.213.1.2 tcp sport 8080");
            long directorMac = LinkInfo.query(lab.directorRunner, directorServerLink).mac();
            int rootIndex = LinkInfo.query(CommandRunner.root(), rootEnd).index();

            byte[] toClient = reply(directorMac, TwoHostLab.CLIENT_ADDRESS);
            byte[] toDirector = reply(directorMac, "10.213.1.1");
            send(rootIndex, toClient);
            awaitCount(lab, 1);

            NftGuard.Rules rules = new NftGuard.Rules(List.of(directorServerLink), List.of(),
                    List.of(new NatServer(Protocol.TCP, Ipv4.parse("10.213.1.2"), 8080)));
            try (NftGuard guard = NftGuard.install(lab.directorRunner, "jlvs", rules)) {
                send(rootIndex, toClient);
                long dropped = awaitGuardCount(guard, 1);
                assertEquals(1, dropped);
                send(rootIndex, toDirector);
                Thread.sleep(300);
                assertEquals(1, lab.probeCount(lab.client), "the kernel forwarded nothing under the guard");
                assertEquals(1, TwoHostLab.guardCount(guard, "nat reply"), "a reply to the director itself passes");
            }
        }
    }

    private static byte[] reply(long directorMac, String destination) {
        return new PacketBuilder().sourceMac(0x0200_00D5_0102L).destinationMac(directorMac)
                .source("10.213.1.2").destination(destination).tcp(8080, 40000)
                .tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK).build();
    }

    private static void send(int ifindex, byte[] frame) throws NativeException {
        int fd = AfPacket.openSocket(0);
        try (Arena arena = Arena.ofConfined()) {
            AfPacket.bind(fd, ifindex, 0);
            MemorySegment buffer = arena.allocate(frame.length);
            MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
            long sent = LibC.send(fd, buffer, frame.length, 0);
            assertEquals(frame.length, sent, "send() returned " + sent);
        } finally {
            LibC.close(fd);
        }
    }

    private static void awaitCount(TwoHostLab lab, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (lab.probeCount(lab.client) < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(expected, lab.probeCount(lab.client), "the kernel forwards the reply without the guard");
    }

    private static long awaitGuardCount(NftGuard guard, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        long count = 0;
        while (System.nanoTime() < deadline) {
            count = TwoHostLab.guardCount(guard, "nat reply");
            if (count >= expected) {
                break;
            }
            Thread.sleep(50);
        }
        return count;
    }
}
