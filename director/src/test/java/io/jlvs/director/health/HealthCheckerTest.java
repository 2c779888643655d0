package io.jlvs.director.health;

import com.sun.net.httpserver.HttpServer;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.VirtualService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Health checks against servers on loopback: down after retries, up again, HTTP status, timeouts, reloads. */
class HealthCheckerTest {
    private static final ServiceKey KEY = new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80);
    private static final int LOOPBACK = Ipv4.parse("127.0.0.1");
    private static final long INTERVAL_MS = 100;
    private static final int RETRIES = 3;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private HealthChecker checker;

    @AfterEach
    void closeAll() throws Exception {
        if (checker != null) {
            checker.close();
        }
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private static HealthCheck tcp(HealthCheck.Action action) {
        return new HealthCheck(HealthCheck.Type.TCP, 0, "/", 200, INTERVAL_MS, INTERVAL_MS, RETRIES, 1, action);
    }

    private static HealthCheck http(int expectStatus, long timeoutMs) {
        return new HealthCheck(HealthCheck.Type.HTTP, 0, "/health", expectStatus, INTERVAL_MS, timeoutMs, RETRIES,
                1, HealthCheck.Action.QUIESCE);
    }

    private static RealServerSpec server(int port, int weight) {
        return new RealServerSpec(LOOPBACK, port, weight, ForwardingMethod.MASQ, 0, 0);
    }

    private static ServiceSpec service(HealthCheck check, RealServerSpec... servers) {
        return new ServiceSpec(KEY, "wrr", 0, Optional.empty(), List.of(servers), Optional.of(check));
    }

    private static ServiceFile file(ServiceSpec... services) {
        return new ServiceFile(GlobalSettings.defaults(List.of("eth0")), List.of(services));
    }

    private ServiceTable start(ServiceSpec... services) {
        ServiceTable table = ServiceTable.of(List.of(services));
        checker = new HealthChecker(table, log::add);
        checker.start();
        return table;
    }

    private ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        closeLater.add(socket);
        return socket;
    }

    /** A port nothing listens on: bound once to learn it, then closed. */
    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Destination destination(ServiceTable table, int port) {
        return table.service(KEY).destination(server(port, 1));
    }

    private static Destination scheduled(ServiceTable table, int port) {
        return table.service(KEY).scheduling().find(LOOPBACK, port);
    }

    private ServerHealth health(int port) {
        return checker.health().stream().filter(h -> h.port() == port).findFirst()
                .orElseThrow(() -> new AssertionError("no health entry for port " + port + ": " + checker.health()));
    }

    /** How often a wait looks before it gives up on a checker that makes no progress at all, 10 ms apart. */
    private static final int MAX_POLLS = 6_000;

    /** Waits for {@code condition}, looking at most {@link #MAX_POLLS} times. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (int poll = 0; poll < MAX_POLLS; poll++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(10);
        }
        fail(what + ": not after " + MAX_POLLS + " looks");
    }

    /**
     * Waits for {@code condition} and fails when the checker completes more than {@code checks}
     * further checks of {@code port} before it holds: a bound on checks, not on time, so a busy
     * machine that slows the checks down does not change the outcome. (The count is read before
     * the condition, so a check that both counts and makes it hold is not held against it.)
     */
    private void awaitWithinChecks(String what, int port, int checks, BooleanSupplier condition)
            throws InterruptedException {
        long start = health(port).checks();
        for (int poll = 0; poll < MAX_POLLS; poll++) {
            long done = health(port).checks() - start;
            if (condition.getAsBoolean()) {
                return;
            }
            if (done > checks) {
                fail(what + ": not within " + checks + " checks (" + done + " done); " + health(port));
            }
            Thread.sleep(10);
        }
        fail(what + ": not after " + MAX_POLLS + " looks; " + health(port));
    }

    @Test
    void stoppedServerIsQuiescedAfterRetriesFailedChecksAndRestoredWhenItReturns() throws Exception {
        ServerSocket rs1 = listen(0);
        int port = rs1.getLocalPort();
        ServerSocket rs2 = listen(0);
        ServiceTable table = start(service(tcp(HealthCheck.Action.QUIESCE), server(port, 3),
                server(rs2.getLocalPort(), 1)));
        await("first successful checks", () -> health(port).checks() >= 2);
        assertEquals(3, destination(table, port).weight());

        rs1.close();
        // RETRIES failed checks, and one more that may have been under way, passing, when it closed.
        awaitWithinChecks("quiesce after retries failed checks", port, RETRIES + 1,
                () -> destination(table, port).weight() == 0);
        assertFalse(health(port).isUp());
        assertEquals("real server 127.0.0.1:" + port + " of TCP 192.168.10.100:80: down after 3 failures (connect refused)",
                log.getFirst());
        assertSame(destination(table, port), scheduled(table, port), "quiesce keeps the server in the list");
        assertEquals(1, scheduled(table, rs2.getLocalPort()).weight(), "the other server is untouched");

        listen(port);
        awaitWithinChecks("restore after rise (1) passing check", port, 2, () -> destination(table, port).weight() == 3);
        assertTrue(health(port).isUp());
        assertEquals("real server 127.0.0.1:" + port + " of TCP 192.168.10.100:80: up after 1 success", log.get(1));
        assertEquals(1, health(port).downTransitions());
        assertEquals(1, health(port).upTransitions());
        assertEquals(1, checker.downTransitions());
        assertEquals(2, log.size(), "one line per transition: " + log);
    }

    @Test
    void httpStatusOtherThanExpectedCountsAsFailure() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        AtomicInteger requests = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/health", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        http.start();
        closeLater.add(() -> http.stop(0));
        int port = http.getAddress().getPort();
        // A generous timeout: the first HTTP check of the JVM loads the codec's classes.
        ServiceTable table = start(service(http(200, 1_000), server(port, 2)));
        await("a passing HTTP check", () -> health(port).checks() > health(port).failures());
        assertTrue(health(port).isUp());
        assertTrue(requests.get() >= 1, "the check sent GET /health");

        status.set(503);
        awaitWithinChecks("quiesce on 503", port, RETRIES + 1, () -> destination(table, port).weight() == 0);
        assertEquals("HTTP status 503, expected 200", health(port).lastFailure());
        assertTrue(log.getFirst().endsWith(": down after 3 failures (HTTP status 503, expected 200)"), log.toString());

        status.set(200);
        awaitWithinChecks("restore on 200", port, 2, () -> destination(table, port).weight() == 2);
    }

    @Test
    void serverThatAcceptsButNeverAnswersTimesOut() throws Exception {
        ServerSocket silent = listen(0);
        int port = silent.getLocalPort();
        ServiceTable table = start(service(http(200, INTERVAL_MS), server(port, 1)));
        await("the first check", () -> checker.health().stream().anyMatch(h -> h.port() == port));
        awaitWithinChecks("quiesce on timeouts", port, RETRIES, () -> destination(table, port).weight() == 0);
        assertEquals("no response within " + INTERVAL_MS + " ms", health(port).lastFailure());
    }

    @Test
    void removeActionDeletesTheServerAndAddsTheSameDestinationBack() throws Exception {
        ServerSocket rs1 = listen(0);
        int port = rs1.getLocalPort();
        ServiceTable table = start(service(tcp(HealthCheck.Action.REMOVE), server(port, 4)));
        Destination d = destination(table, port);
        await("first check", () -> health(port).checks() >= 1);

        rs1.close();
        awaitWithinChecks("removal", port, RETRIES + 1, () -> scheduled(table, port) == null);
        assertFalse(d.isAvailable(), "deleted as ipvsadm -d: no longer AVAILABLE");
        assertSame(d, destination(table, port), "the service keeps the destination and its counters");

        listen(port);
        awaitWithinChecks("re-add", port, 2, () -> scheduled(table, port) != null);
        assertSame(d, scheduled(table, port));
        assertTrue(d.isAvailable());
        assertEquals(4, d.weight());
    }

    @Test
    void reloadStartsAndStopsChecksAndKeepsDownServersDown() throws Exception {
        ServerSocket rs1 = listen(0);
        int up = rs1.getLocalPort();
        int dead = deadPort();
        ServiceSpec before = service(tcp(HealthCheck.Action.QUIESCE), server(up, 1));
        ServiceTable table = start(before);
        await("first check", () -> health(up).checks() >= 1);

        ServiceSpec added = service(tcp(HealthCheck.Action.QUIESCE), server(up, 1), server(dead, 5));
        checker.apply(ServiceFileDiff.between(file(before), file(added)));
        awaitWithinChecks("new server quiesced", dead, RETRIES, () -> destination(table, dead).weight() == 0);

        ServiceSpec reweighted = service(tcp(HealthCheck.Action.QUIESCE), server(up, 1), server(dead, 7));
        table.apply(ServiceFileDiff.between(file(added), file(reweighted)));
        assertEquals(0, destination(table, dead).weight(), "a reload does not bring a down server back");

        listen(dead);
        awaitWithinChecks("restored with the reloaded weight", dead, 2, () -> destination(table, dead).weight() == 7);

        ServiceSpec removed = service(tcp(HealthCheck.Action.QUIESCE), server(dead, 7));
        checker.apply(ServiceFileDiff.between(file(reweighted), file(removed)));
        assertEquals(List.of(dead), checker.health().stream().map(ServerHealth::port).toList());
        assertNull(destination(table, up));
    }

    @Test
    void reloadEditsAServerThatARemoveCheckTookOut() throws Exception {
        int dead = deadPort();
        ServiceSpec before = service(tcp(HealthCheck.Action.REMOVE), server(dead, 2));
        ServiceTable table = start(before);
        awaitWithinChecks("removal", dead, RETRIES, () -> scheduled(table, dead) == null);

        ServiceSpec after = service(tcp(HealthCheck.Action.REMOVE), server(dead, 9));
        checker.apply(ServiceFileDiff.between(file(before), file(after)));
        assertNull(scheduled(table, dead), "still down, so still out of the list");
        VirtualService service = table.service(KEY);
        assertEquals(9, service.spec().servers().getFirst().weight());

        listen(dead);
        awaitWithinChecks("re-add", dead, 2, () -> scheduled(table, dead) != null);
        assertEquals(9, scheduled(table, dead).weight());
    }

    @Test
    void riseNeedsThatManySuccessesInARow() throws Exception {
        int port = deadPort();
        HealthCheck check = new HealthCheck(HealthCheck.Type.TCP, 0, "/", 200, INTERVAL_MS, INTERVAL_MS, 1, 3,
                HealthCheck.Action.QUIESCE);
        ServiceTable table = start(service(check, server(port, 5)));
        await("the first check", () -> checker.health().stream().anyMatch(h -> h.port() == port));
        awaitWithinChecks("quiesce after one failure", port, 1, () -> destination(table, port).weight() == 0);
        assertTrue(log.getFirst().endsWith(": down after 1 failure (connect refused)"), log.toString());

        listen(port);
        // Three passing checks, and one more that may have been under way, failing, when it opened.
        awaitWithinChecks("restore after three passing checks", port, 4, () -> destination(table, port).weight() == 5);
        ServerHealth h = health(port);
        assertTrue(h.checks() - h.failures() >= 3, "restored only after 3 successes: " + h);
        assertEquals("real server 127.0.0.1:" + port + " of TCP 192.168.10.100:80: up after 3 successes", log.get(1));
    }

    @Test
    void checkPortOverridesTheServerPort() throws Exception {
        ServerSocket probe = listen(0);
        int servicePort = deadPort();
        HealthCheck check = new HealthCheck(HealthCheck.Type.TCP, probe.getLocalPort(), "/", 200, INTERVAL_MS,
                INTERVAL_MS, RETRIES, 1, HealthCheck.Action.QUIESCE);
        ServiceTable table = start(service(check, server(servicePort, 2)));
        await("checks on the check port", () -> health(servicePort).checks() >= RETRIES + 1);
        assertEquals(0, health(servicePort).failures(), "the server port is closed, the check port open");
        assertEquals(2, destination(table, servicePort).weight());
    }

    @Test
    void droppingTheCheckFromTheFileRestoresADownServer() throws Exception {
        int dead = deadPort();
        ServiceSpec before = service(tcp(HealthCheck.Action.QUIESCE), server(dead, 2));
        ServiceTable table = start(before);
        await("the first check", () -> checker.health().stream().anyMatch(h -> h.port() == dead));
        awaitWithinChecks("quiesce", dead, RETRIES, () -> destination(table, dead).weight() == 0);

        ServiceSpec unchecked = new ServiceSpec(KEY, "wrr", 0, Optional.empty(), List.of(server(dead, 2)));
        checker.apply(ServiceFileDiff.between(file(before), file(unchecked)));
        assertTrue(checker.health().isEmpty());
        assertEquals(2, destination(table, dead).weight(), "an unchecked server is up");
        assertNotNull(scheduled(table, dead));
    }
}
