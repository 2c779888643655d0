package io.jlvs.director.health;

import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.dataplane.service.ServiceSnapshot;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.sched.ServiceScheduling;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checks the real servers of a {@link ServiceTable} that have a {@link HealthCheck} and
 * takes failing ones out of service, as keepalived does for LVS.
 *
 * <p>Each checked server has a {@code Target}: consecutive failures and successes, and
 * whether it is up. {@code retries} failures in a row take an up server down: with
 * {@link HealthCheck.Action#QUIESCE} its weight becomes 0 ({@link ServiceScheduling#editWeight});
 * with {@link HealthCheck.Action#REMOVE} it is deleted from the scheduling list
 * ({@link ServiceScheduling#delete}, {@code ipvsadm -d}) while the service keeps its
 * {@link Destination}, so that counters and connections survive. {@code rise} successes in a
 * row bring it back with the weight the service file gives it now (a reload while it was
 * down may have changed it), or add the same Destination back.
 *
 * <p>Reloads: the checker listens to the table and, after every publication, starts checks
 * for new servers, stops those of removed ones, applies changed checks, and applies the down
 * state again to servers that stay down (a reload sets a server's configured weight). A
 * reload must go through {@link #apply(ServiceFileDiff)} when any check uses
 * {@code action: remove}: it puts removed servers back in their lists for the table to edit.
 *
 * <p>Threads: checks run on one event-loop thread, with no thread per check. State changes
 * (check results, transitions, reloads) are made while holding the table's monitor, which
 * its mutators hold too, so they never interleave with a reload.
 */
public final class HealthChecker implements AutoCloseable {
    private final ServiceTable table;
    private final Consumer<String> log;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Map<ServerKey, Target> targets = new HashMap<>();
    private boolean started;
    private boolean closed;
    private long downTransitions;
    private long upTransitions;

    /**
     * A checker of {@code table}'s servers, logging each transition as one line to {@code log}.
     * Nothing is checked until {@link #start()}.
     */
    public HealthChecker(ServiceTable table, Consumer<String> log) {
        this.table = table;
        this.log = log;
        this.group = Transport.newGroup("jlvs-health");
        this.loop = group.next();
    }

    /** Starts checking the table's servers, and follows its changes from now on. */
    public void start() {
        synchronized (table) {
            if (started) {
                throw new IllegalStateException("already started");
            }
            started = true;
        }
        table.addListener(this::published);
    }

    /**
     * Control thread: applies a reload to the table so that servers removed by a check can be
     * edited or deleted by it: they are put back (at weight 0) before the table applies the
     * diff, and taken out again after if they stay down.
     *
     * @throws IllegalArgumentException or IllegalStateException as {@link ServiceTable#apply}, after
     *                                  which the down state is applied again
     */
    public void apply(ServiceFileDiff diff) {
        synchronized (table) {
            for (Target t : targets.values()) {
                if (t.removed != null) {
                    VirtualService service = table.service(t.key.service());
                    Destination d = t.removed;
                    t.removed = null;
                    if (service != null && service.scheduling().find(d.addr(), d.port()) == null) {
                        d.weight(0);
                        service.scheduling().add(d);
                    }
                }
            }
            try {
                table.apply(diff);
            } finally {
                published(table.snapshot(), table.services());
            }
        }
    }

    /** The health of every checked server, ordered by service and server. Any thread. */
    public List<ServerHealth> health() {
        List<ServerHealth> list = new ArrayList<>();
        synchronized (table) {
            for (Target t : targets.values()) {
                list.add(new ServerHealth(t.key.service(), t.key.address(), t.key.port(), t.check, t.isUp, t.checks,
                        t.failures, t.downTransitions, t.upTransitions, t.consecutiveFailures == 0, t.lastFailure));
            }
        }
        list.sort(Comparator.comparing((ServerHealth h) -> h.service().toString())
                .thenComparingInt(h -> h.address()).thenComparingInt(ServerHealth::port));
        return list;
    }

    /** Transitions to down since start, all servers. */
    public long downTransitions() {
        synchronized (table) {
            return downTransitions;
        }
    }

    /** Transitions to up since start, all servers. */
    public long upTransitions() {
        synchronized (table) {
            return upTransitions;
        }
    }

    /**
     * Stops the checks and the event loop. Servers that are down stay as they are (the data
     * plane stops next). Not to be called while holding the table's monitor.
     */
    @Override
    public void close() {
        synchronized (table) {
            closed = true;
            for (Target t : targets.values()) {
                t.cancel();
            }
            targets.clear();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ reloads

    /** Table listener, holding the table's monitor: brings the targets in line with the services. */
    private void published(ServiceSnapshot snapshot, List<VirtualService> services) {
        if (closed) {
            return;
        }
        Map<ServerKey, Target> seen = new HashMap<>();
        for (VirtualService service : services) {
            ServiceSpec spec = service.spec();
            for (RealServerSpec server : spec.servers()) {
                Optional<HealthCheck> check = spec.healthCheckOf(server);
                if (check.isEmpty()) {
                    continue;
                }
                ServerKey key = new ServerKey(spec.key(), server.address(), server.port());
                Target t = targets.get(key);
                if (t == null) {
                    t = new Target(key, check.get());
                    targets.put(key, t);
                    schedule(t, ThreadLocalRandom.current().nextLong(Math.min(check.get().intervalMs(), 1000) + 1));
                } else if (!t.check.equals(check.get())) {
                    t.check = check.get();
                    t.consecutiveFailures = 0;
                    t.consecutiveSuccesses = 0;
                    schedule(t, 0);
                }
                seen.put(key, t);
                if (!t.isUp) {
                    takeOut(t, service);
                }
            }
        }
        for (Target t : List.copyOf(targets.values())) {
            if (!seen.containsKey(t.key)) {
                t.cancel();
                targets.remove(t.key);
                VirtualService service = services.stream().filter(s -> s.key().equals(t.key.service()))
                        .findFirst().orElse(null);
                if (!t.isUp && service != null) {
                    putBack(t, service);
                }
            }
        }
    }

    // ------------------------------------------------------------------ checks

    private void schedule(Target t, long delayMs) {
        t.cancel();
        long generation = ++t.generation;
        t.next = loop.schedule(() -> runCheck(t, generation), delayMs, TimeUnit.MILLISECONDS);
    }

    /** Event loop: starts one check of {@code t} unless it was rescheduled or dropped since. */
    private void runCheck(Target t, long generation) {
        HealthCheck check;
        synchronized (table) {
            if (closed || t.generation != generation || targets.get(t.key) != t) {
                return;
            }
            check = t.check;
        }
        long startNs = System.nanoTime();
        InetSocketAddress address = new InetSocketAddress(Transport.inet4(t.key.address()), check.portFor(t.key.port()));
        Probe.start(loop, check, address, failure -> {
            synchronized (table) {
                if (closed || t.generation != generation || targets.get(t.key) != t) {
                    return;
                }
                record(t, failure);
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                t.next = loop.schedule(() -> runCheck(t, generation), Math.max(0, t.check.intervalMs() - elapsedMs),
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Holding the table's monitor: counts a result and makes the transition it calls for. */
    private void record(Target t, String failure) {
        t.checks++;
        if (failure == null) {
            t.consecutiveFailures = 0;
            t.consecutiveSuccesses++;
            if (!t.isUp && t.consecutiveSuccesses >= t.check.rise()) {
                t.isUp = true;
                t.upTransitions++;
                upTransitions++;
                VirtualService service = table.service(t.key.service());
                if (service != null) {
                    putBack(t, service);
                }
                log.accept(describe(t) + ": up after " + plural(t.consecutiveSuccesses, "success", "successes"));
            }
            return;
        }
        t.failures++;
        t.lastFailure = failure;
        t.consecutiveSuccesses = 0;
        t.consecutiveFailures++;
        if (t.isUp && t.consecutiveFailures >= t.check.retries()) {
            t.isUp = false;
            t.downTransitions++;
            downTransitions++;
            VirtualService service = table.service(t.key.service());
            if (service != null) {
                takeOut(t, service);
            }
            log.accept(describe(t) + ": down after " + plural(t.consecutiveFailures, "failure", "failures")
                    + " (" + failure + ")");
        }
    }

    /** Holding the monitor: weight 0, or out of the scheduling list, as the check's action says. */
    private static void takeOut(Target t, VirtualService service) {
        ServiceScheduling scheduling = service.scheduling();
        Destination d = scheduling.find(t.key.address(), t.key.port());
        if (t.check.action() == HealthCheck.Action.REMOVE) {
            if (d != null) {
                scheduling.delete(d);
                t.removed = d;
            }
        } else if (d != null && d.weight() != 0) {
            scheduling.editWeight(d, 0);
        }
    }

    /** Holding the monitor: the configured weight again, or back in the scheduling list. */
    private static void putBack(Target t, VirtualService service) {
        RealServerSpec spec = service.spec().server(t.key.address(), t.key.port()).orElse(null);
        if (spec == null) {
            return;
        }
        ServiceScheduling scheduling = service.scheduling();
        Destination d = scheduling.find(t.key.address(), t.key.port());
        if (d == null && t.removed != null) {
            d = t.removed;
            d.weight(spec.weight());
            scheduling.add(d);
        } else if (d != null) {
            scheduling.editWeight(d, spec.weight());
        }
        t.removed = null;
    }

    private static String describe(Target t) {
        return "real server " + Ipv4.format(t.key.address()) + ":" + t.key.port() + " of " + t.key.service();
    }

    private static String plural(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** A checked server: its service and endpoint. */
    private record ServerKey(ServiceKey service, int address, int port) {
    }

    /** The state of one checked server; fields guarded by the table's monitor. */
    private static final class Target {
        final ServerKey key;
        HealthCheck check;
        boolean isUp = true;
        int consecutiveFailures;
        int consecutiveSuccesses;
        long checks;
        long failures;
        long downTransitions;
        long upTransitions;
        String lastFailure = "";
        /** The destination deleted from the scheduling list while down with action remove. */
        Destination removed;
        long generation;
        ScheduledFuture<?> next;

        Target(ServerKey key, HealthCheck check) {
            this.key = key;
            this.check = check;
        }

        void cancel() {
            generation++;
            if (next != null) {
                next.cancel(false);
                next = null;
            }
        }
    }
}
