package io.jlvs.director.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DNS through a VIP in NAT, DR and TUN: a real DNS server (dnsmasq) on each real server answers
 * {@code who.lab TXT} with its own name, bound to its address in NAT and to the VIP in DR and TUN,
 * behind {@code jlvsadm -A -u VIP:53 -s rr}. From the client (sockets of this JVM made in its
 * namespace, a DNS query written by the test):
 * <ol>
 * <li>10 new flows of one query each alternate between the servers; every answer comes from
 *     VIP:53;</li>
 * <li>a bounded load, 4 flows of {@value #LOAD_QUERIES} queries each, one at a time and never
 *     sent twice: loss is counted at both ends, the client's sent and answered against the
 *     queries the servers logged, and the director's packet counts beside them;</li>
 * <li>the UDP timeout: with {@code --set 0 0 2} a flow's entry is listed by {@code -Lnc}, keeps
 *     its server, expires and goes from the listing, and the flow's next query makes a new
 *     connection;</li>
 * <li>one-packet scheduling: with {@code -E ... -o} one flow's queries alternate between the
 *     servers and leave no entry. In NAT the kernel expects no reply to a one-packet connection
 *     and does not translate it; there the queries are counted at the servers (one-way use, as
 *     syslog), half each.</li>
 * </ol>
 * Uses this run's own namespaces; needs root and dnsmasq, and skips naming what is missing.
 * Bounded by count: each query waits at most {@value #REPLY_TIMEOUT_MS} ms for its answer.
 */
@Privileged
class LabDnsTest {
    private static final int DNS = 53;
    private static final int FLOWS = 10;
    private static final int LOAD_FLOWS = 4;
    private static final int LOAD_QUERIES = 500;
    private static final int OPS_QUERIES = 10;
    private static final int REPLY_TIMEOUT_MS = 1000;
    private static final int UDP_TIMEOUT_S = 2;
    private static final String NAME = "who.lab";
    private static final String LOGGED_QUERY = "query[TXT] " + NAME + " from ";

    private final Scripts.Started started = new Scripts.Started();
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private short nextId = 1;

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab DNS test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab DNS test", "dnsmasq", "dnsmasq-base");
    }

    @AfterEach
    void labDown() throws InterruptedException, IOException {
        sockets.forEach(DatagramSocket::close);
        started.close();
        Scripts.labDownIfUp();
        for (Path log : logs) {
            Files.deleteIfExists(log);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nat", "dr", "tun"})
    void dnsServersAnswerThroughTheVipWithTheUdpTimeoutAndOnePacketScheduling(String mode) throws Exception {
        Scripts.Result up = Scripts.lab("up", mode, "--servers", "2", "--scheduler", "rr");
        assertEquals(0, up.exitCode(), up::toString);
        Path socket = Scripts.controlSocket(Scripts.globalSection());
        boolean nat = mode.equals("nat");
        String vip = LabHosts.vip(mode);
        String[] rips = LabHosts.realServers(mode);
        String method = LabHosts.methodOption(mode);
        for (int i = 0; i < rips.length; i++) {
            dnsmasq("rs" + (i + 1), nat ? rips[i] : vip);
        }
        String service = vip + ":" + DNS;
        Scripts.ok(Scripts.adm(socket, "-A", "-u", service, "-s", "rr"));
        for (String rip : rips) {
            Scripts.ok(Scripts.adm(socket, "-a", "-u", service, "-r", rip + ":" + DNS, method));
        }
        InetSocketAddress target = new InetSocketAddress(vip, DNS);

        // 1. New flows alternate between the servers.
        List<String> answers = new ArrayList<>();
        for (int f = 0; f < FLOWS; f++) {
            String who = ask(clientSocket(), target);
            assertTrue(who != null, "flow " + f + " answered" + Scripts.jlvsdLog());
            answers.add(who);
        }
        for (int i = 1; i < answers.size(); i++) {
            assertNotEquals(answers.get(i - 1), answers.get(i), "rr alternates the flows: " + answers);
        }
        assertEquals(Set.of("rs1", "rs2"), Set.copyOf(answers), answers::toString);

        // 2. A bounded load, loss counted at both ends.
        long loggedBefore = loggedQueries();
        long[] packetsBefore = servicePackets(socket, service);
        long sent = 0;
        long answered = 0;
        Set<String> loadServers = new HashSet<>();
        List<DatagramSocket> flows = new ArrayList<>();
        for (int f = 0; f < LOAD_FLOWS; f++) {
            flows.add(clientSocket());
        }
        for (int i = 0; i < LOAD_QUERIES; i++) {
            for (DatagramSocket flow : flows) {
                sent++;
                String who = ask(flow, target);
                if (who != null) {
                    answered++;
                    loadServers.add(who);
                }
            }
        }
        long served = awaitLoggedQueries(loggedBefore + answered) - loggedBefore;
        long[] packetsAfter = servicePackets(socket, service);
        long directorIn = packetsAfter[0] - packetsBefore[0];
        long directorOut = packetsAfter[1] - packetsBefore[1];
        long lostOnTheWayIn = sent - served;
        long lostOnTheWayBack = served - answered;
        System.out.printf("lab DNS %s: %d queries sent, %d reached the servers (dnsmasq's log), %d answers received;"
                        + " lost towards the servers %d, on the way back %d; the director forwarded %d in%s%n",
                mode, sent, served, answered, lostOnTheWayIn, lostOnTheWayBack, directorIn,
                nat ? " and " + directorOut + " out" : "");
        assertTrue(lostOnTheWayIn >= 0 && lostOnTheWayBack >= 0, "the servers logged between what was sent and"
                + " what was answered: sent " + sent + ", logged " + served + ", answered " + answered);
        assertTrue(sent - answered <= sent / 100, "at most 1 % lost: " + (sent - answered) + " of " + sent);
        assertEquals(Set.of("rs1", "rs2"), loadServers, "the load's flows on both servers");
        assertTrue(directorIn >= served && directorIn <= sent, "the director forwarded what reached the servers: "
                + directorIn + " (sent " + sent + ", logged " + served + ")");
        if (nat) {
            assertTrue(directorOut >= answered && directorOut <= served, "in NAT the answers pass the director: "
                    + directorOut + " (logged " + served + ", answered " + answered + ")");
        }

        // 3. The UDP timeout: an entry keeps its server, expires and is scheduled anew.
        Scripts.ok(Scripts.adm(socket, "--set", "0", "0", Integer.toString(UDP_TIMEOUT_S)));
        DatagramSocket flow = clientSocket();
        String port = ":" + flow.getLocalPort() + " ";
        String first = ask(flow, target);
        assertEquals(first, ask(flow, target), "the flow's entry keeps its server");
        String entry = entryOf(socket, port);
        assertTrue(entry != null, "-Lnc lists the flow's entry");
        String expire = entry.trim().split("\\s+")[1];
        assertTrue(expire.compareTo("00:0" + UDP_TIMEOUT_S) <= 0, "expires within the UDP timeout: " + entry);
        long connsBefore = serviceConns(socket, service);
        Scripts.await("the flow's UDP entry expires", () -> entryOf(socket, port) == null);
        assertTrue(ask(flow, target) != null, "answered after its entry expired");
        assertEquals(connsBefore + 1, serviceConns(socket, service), "the flow's next query is a new connection");
        assertTrue(entryOf(socket, port) != null, "a new entry for the flow");

        // 4. One-packet scheduling: each datagram of one flow scheduled on its own, no entry left.
        Scripts.ok(Scripts.adm(socket, "-E", "-u", service, "-s", "rr", "-o"));
        String listing = Scripts.adm(socket, "-L", "-n").stdout();
        assertTrue(listing.contains("UDP  " + service + " rr ops"), listing);
        DatagramSocket one = clientSocket();
        String onePort = ":" + one.getLocalPort() + " ";
        long opsConnsBefore = serviceConns(socket, service);
        if (nat) {
            long[] before = loggedQueriesPerServer();
            byte[] query = query(nextId++);
            for (int i = 0; i < OPS_QUERIES; i++) {
                one.send(new DatagramPacket(query, query.length, target));
            }
            awaitLoggedQueries(before[0] + before[1] + OPS_QUERIES);
            long[] after = loggedQueriesPerServer();
            assertEquals(OPS_QUERIES / 2, after[0] - before[0], "rs1 got every other datagram of the flow");
            assertEquals(OPS_QUERIES / 2, after[1] - before[1], "rs2 got every other datagram of the flow");
        } else {
            List<String> picks = new ArrayList<>();
            for (int i = 0; i < OPS_QUERIES; i++) {
                String who = ask(one, target);
                assertTrue(who != null, "one-packet query " + i + " answered");
                picks.add(who);
            }
            for (int i = 1; i < picks.size(); i++) {
                assertNotEquals(picks.get(i - 1), picks.get(i), "each datagram of one flow scheduled anew: " + picks);
            }
        }
        assertEquals(opsConnsBefore + OPS_QUERIES, serviceConns(socket, service), "each datagram a connection");
        assertEquals(null, entryOf(socket, onePort), "no entry for a one-packet flow");
    }

    /** Starts dnsmasq in {@code host}'s namespace on {@code address}:53, answering who.lab TXT with the host's name. */
    private void dnsmasq(String host, String address) throws IOException, InterruptedException {
        Path log = Files.createTempFile("jlvs-dnsmasq-" + host, ".log");
        logs.add(log);
        Path out = Files.createTempFile("jlvs-dnsmasq-" + host, ".out");
        logs.add(out);
        started.start(out, List.of("ip", "netns", "exec", Scripts.ns(host), "dnsmasq", "--keep-in-foreground",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
                "--listen-address=" + address, "--port=" + DNS, "--pid-file=", "--user=root",
                "--txt-record=" + NAME + "," + host, "--log-queries", "--log-facility=" + log));
        Scripts.await("dnsmasq on " + host + " started", () -> Files.readString(log).contains("started, version"));
    }

    /** Queries logged by the servers, in all. */
    private long loggedQueries() throws IOException {
        long[] perServer = loggedQueriesPerServer();
        return perServer[0] + perServer[1];
    }

    private long[] loggedQueriesPerServer() throws IOException {
        long[] counts = new long[2];
        for (int i = 0; i < 2; i++) {
            counts[i] = Files.readString(logs.get(2 * i)).lines().filter(l -> l.contains(LOGGED_QUERY)).count();
        }
        return counts;
    }

    /**
     * The servers' logged queries once they reach {@code atLeast}, or after 50 checks 100 ms
     * apart (a bound on checks: what was lost never comes, and the count then says so).
     */
    private long awaitLoggedQueries(long atLeast) throws IOException, InterruptedException {
        for (int check = 0; check < 50; check++) {
            long now = loggedQueries();
            if (now >= atLeast) {
                return now;
            }
            Thread.sleep(100);
        }
        return loggedQueries();
    }

    /** A new client socket (a new flow: its own port) in the client's namespace, closed after the test. */
    private DatagramSocket clientSocket() throws IOException {
        DatagramSocket s = LabHosts.clientSocket(REPLY_TIMEOUT_MS);
        sockets.add(s);
        return s;
    }

    /**
     * Sends one query (never again) and returns the name in the answer, or null when none came
     * within {@value #REPLY_TIMEOUT_MS} ms; the answer must come from {@code target}.
     */
    private String ask(DatagramSocket s, InetSocketAddress target) throws IOException {
        short id = nextId++;
        byte[] query = query(id);
        s.send(new DatagramPacket(query, query.length, target));
        byte[] buffer = new byte[512];
        try {
            while (true) {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                s.receive(in);
                assertEquals(target, in.getSocketAddress(), "the answer comes from the VIP");
                ByteBuffer answer = ByteBuffer.wrap(in.getData(), 0, in.getLength());
                if (answer.getShort(0) == id) {
                    return txt(answer);
                }
                // a late answer to an earlier query: read on
            }
        } catch (SocketTimeoutException lost) {
            return null;
        }
    }

    /** A standard query for {@value #NAME} TXT with recursion desired. */
    private static byte[] query(short id) {
        ByteBuffer b = ByteBuffer.allocate(12 + NAME.length() + 2 + 4);
        b.putShort(id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0);
        for (String label : NAME.split("\\.")) {
            b.put((byte) label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.put((byte) 0).putShort((short) 16).putShort((short) 1);
        return b.array();
    }

    /** The first TXT string of the answer section: a response, no error, one question. */
    private static String txt(ByteBuffer m) {
        int flags = Short.toUnsignedInt(m.getShort(2));
        assertTrue((flags & 0x8000) != 0, "a response");
        assertEquals(0, flags & 0xF, "rcode NOERROR");
        assertEquals(1, m.getShort(4), "one question");
        assertTrue(m.getShort(6) >= 1, "an answer");
        m.position(12);
        skipName(m);
        m.position(m.position() + 4);             // question type, class
        skipName(m);
        assertEquals(16, m.getShort(), "a TXT record");
        m.position(m.position() + 2 + 4 + 2);     // class, TTL, data length
        byte[] text = new byte[Byte.toUnsignedInt(m.get())];
        m.get(text);
        return new String(text, StandardCharsets.US_ASCII);
    }

    private static void skipName(ByteBuffer m) {
        while (true) {
            int length = Byte.toUnsignedInt(m.get());
            if (length == 0) {
                return;
            }
            if ((length & 0xC0) == 0xC0) {
                m.get();                           // a compression pointer ends the name
                return;
            }
            m.position(m.position() + length);
        }
    }

    /** The {@code -Lnc} line of the entry whose client port is in {@code port} (":N "), or null. */
    private static String entryOf(Path socket, String port) throws IOException {
        return Scripts.adm(socket, "-L", "-n", "-c").stdout().lines()
                .filter(l -> l.startsWith("UDP ") && l.contains(port)).findFirst().orElse(null);
    }

    /** The service's Conns in {@code -L -n --stats}. */
    private static long serviceConns(Path socket, String service) throws IOException {
        return statsOf(socket, service)[0];
    }

    /** The service's InPkts and OutPkts in {@code -L -n --stats --exact}. */
    private static long[] servicePackets(Path socket, String service) throws IOException {
        long[] stats = statsOf(socket, service);
        return new long[] {stats[1], stats[2]};
    }

    private static long[] statsOf(Path socket, String service) throws IOException {
        String stats = Scripts.adm(socket, "-L", "-n", "--stats", "--exact").stdout();
        String line = stats.lines().filter(l -> l.startsWith("UDP  " + service)).findFirst()
                .orElseThrow(() -> new AssertionError(stats));
        String[] f = line.trim().split("\\s+");
        assertFalse(f.length < 5, line);
        return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])};
    }
}
