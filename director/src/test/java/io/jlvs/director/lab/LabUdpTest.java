package io.jlvs.director.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.NetNamespace;
import io.jlvs.dataplane.xdp.XdpFilter;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * UDP through a VIP end to end, in NAT, DR and TUN, on both packet backends: a UDP service added with {@code jlvsadm -A -u}
 * in front of a UDP echo server on each real server (bound to its own address in NAT, to the VIP
 * in DR and TUN, where the real server answers the client itself). From the client: 20 flows of
 * one datagram each alternate between the servers under rr; one flow of 10 datagrams stays on one
 * server (the connection entry); then 4 flows of {@value #LOAD_REQUESTS} request-reply exchanges
 * each, all answered, each flow by one server. Every reply comes from VIP:port, and the director's
 * kernel never answers a datagram for the VIP with an ICMP port unreachable (which would show that
 * the datagram reached its stack instead of jlvsd). {@code jlvsadm -Lnc} lists the flows as UDP
 * entries and {@code -L --stats} counts them.
 *
 * <p>The echo servers and the client are sockets of this JVM, each created by a thread inside
 * its lab namespace ({@link NetNamespace#call}). Bounded by count: every exchange waits at most
 * {@value #TRIES} × {@value #REPLY_TIMEOUT_MS} ms for its reply. Uses this run's own namespaces;
 * needs root and tcpdump, and skips naming what is missing.
 */
@Privileged
class LabUdpTest {
    private static final int PORT = 5353;
    private static final int FLOWS = 20;
    private static final int ONE_FLOW = 10;
    private static final int LOAD_FLOWS = 4;
    private static final int LOAD_REQUESTS = 500;
    private static final int TRIES = 3;
    private static final int REPLY_TIMEOUT_MS = 1000;

    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final List<Thread> echoes = new ArrayList<>();

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab UDP test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab UDP test", "tcpdump", "tcpdump");
    }

    @AfterEach
    void labDown() throws InterruptedException {
        sockets.forEach(DatagramSocket::close);
        for (Thread t : echoes) {
            t.join(5_000);
        }
        Scripts.labDownIfUp();
    }

    @ParameterizedTest
    @CsvSource({"nat, af_xdp", "nat, af_packet", "dr, af_xdp", "dr, af_packet", "tun, af_xdp", "tun, af_packet"})
    void udpFlowsAreBalancedKeptOnTheirServerAndAnsweredFromTheVip(String mode, String io) throws Exception {
        if (io.equals("af_xdp")) {
            String reason = XdpFilter.unavailabilityReason();
            assumeTrue(reason == null, () -> "AF_XDP half skipped: this kernel cannot run jlvs's XDP program: " + reason);
        }
        Scripts.Result up = Scripts.lab("up", mode, "--servers", "2", "--scheduler", "rr", "--io", io);
        assertEquals(0, up.exitCode(), up::toString);
        Path socket = Scripts.controlSocket(Scripts.globalSection());
        String vip = LabHosts.vip(mode);
        String[] rips = LabHosts.realServers(mode);
        String method = LabHosts.methodOption(mode);
        for (int i = 0; i < rips.length; i++) {
            echo("rs" + (i + 1), mode.equals("nat") ? rips[i] : vip);
        }
        String service = vip + ":" + PORT;
        Scripts.ok(Scripts.adm(socket, "-A", "-u", service, "-s", "rr"));
        for (String rip : rips) {
            Scripts.ok(Scripts.adm(socket, "-a", "-u", service, "-r", rip + ":" + PORT, method));
        }
        InetSocketAddress target = new InetSocketAddress(vip, PORT);

        try (Capture unreachable = Capture.start(Scripts.ns("client"), "eth0", 120,
                "icmp and icmp[icmptype] == icmp-unreach and src host " + vip)) {
            List<String> answers = new ArrayList<>();
            for (int f = 0; f < FLOWS; f++) {
                answers.add(exchange(clientSocket(), target, "flow " + f));
            }
            for (int i = 1; i < answers.size(); i++) {
                assertNotEquals(answers.get(i - 1), answers.get(i), () -> "rr alternates the flows: " + answers);
            }
            assertEquals(Set.of("rs1", "rs2"), Set.copyOf(answers), answers::toString);

            DatagramSocket one = clientSocket();
            Set<String> oneFlow = new HashSet<>();
            for (int i = 0; i < ONE_FLOW; i++) {
                oneFlow.add(exchange(one, target, "again " + i));
            }
            assertEquals(1, oneFlow.size(), () -> "one flow stays on its server: " + oneFlow);

            int answered = 0;
            Set<String> servers = new HashSet<>();
            for (int f = 0; f < LOAD_FLOWS; f++) {
                DatagramSocket flow = clientSocket();
                Set<String> flowServers = new HashSet<>();
                for (int i = 0; i < LOAD_REQUESTS; i++) {
                    flowServers.add(exchange(flow, target, "load " + f + " " + i));
                    answered++;
                }
                assertEquals(1, flowServers.size(), "flow " + f + " of the load on one server: " + flowServers);
                servers.addAll(flowServers);
            }
            assertEquals(LOAD_FLOWS * LOAD_REQUESTS, answered);
            assertEquals(Set.of("rs1", "rs2"), servers, "the load's flows on both servers");

            String listing = Scripts.adm(socket, "-L", "-n", "-c").stdout();
            long entries = listing.lines().filter(l -> l.startsWith("UDP ") && l.contains(service)).count();
            assertEquals(FLOWS + 1 + LOAD_FLOWS, entries, listing);
            String stats = Scripts.adm(socket, "-L", "-n", "--stats").stdout();
            String serviceLine = stats.lines().filter(l -> l.startsWith("UDP  " + service)).findFirst()
                    .orElseThrow(() -> new AssertionError(stats));
            assertEquals(Integer.toString(FLOWS + 1 + LOAD_FLOWS), serviceLine.trim().split("\\s+")[2], stats);
            assertEquals("", unreachable.stopNow(), "ICMP port unreachable from the VIP: the kernel saw a datagram"
                    + Scripts.jlvsdLog());
        }
    }

    /** Starts an echo server in {@code host}'s namespace on {@code address}:{@value #PORT}: it answers "host payload". */
    private void echo(String host, String address) throws IOException {
        DatagramSocket server = NetNamespace.call(Scripts.ns(host),
                () -> new DatagramSocket(new InetSocketAddress(address, PORT)));
        sockets.add(server);
        Thread t = Thread.ofPlatform().daemon().name("udp-echo-" + host).start(() -> {
            byte[] buffer = new byte[1500];
            try {
                while (true) {
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    server.receive(in);
                    byte[] reply = (host + " " + new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    server.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                }
            } catch (IOException closed) {
                // the test is over: the socket was closed
            }
        });
        echoes.add(t);
    }

    /** A new client socket (a new flow: its own port) in the client's namespace, closed after the test. */
    private DatagramSocket clientSocket() throws IOException {
        DatagramSocket s = LabHosts.clientSocket(REPLY_TIMEOUT_MS);
        sockets.add(s);
        return s;
    }

    /**
     * Sends {@code payload} to {@code target} and returns the name of the server that echoed it,
     * sending again up to {@value #TRIES} times in all; the reply must come from {@code target}.
     */
    private static String exchange(DatagramSocket s, InetSocketAddress target, String payload) throws IOException {
        byte[] request = payload.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[1500];
        for (int attempt = 0; attempt < TRIES; attempt++) {
            s.send(new DatagramPacket(request, request.length, target));
            try {
                while (true) {
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    s.receive(in);
                    String text = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                    assertEquals(target, in.getSocketAddress(), () -> "reply to '" + payload + "' from " + in
                            .getSocketAddress() + ": " + text);
                    if (text.endsWith(" " + payload)) {
                        return text.substring(0, text.indexOf(' '));
                    }
                    // a late reply to an earlier try of an earlier request: read on
                }
            } catch (SocketTimeoutException lost) {
                // send again
            }
        }
        throw new AssertionError("no reply to '" + payload + "' from " + target + " in " + TRIES + " tries"
                + Scripts.jlvsdLog());
    }
}
