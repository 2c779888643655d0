package io.jlvs.core.service;

import io.jlvs.core.net.Ipv4;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A real server of one virtual service: the kernel's {@code struct ip_vs_dest}.
 *
 * <p>Identity (address, port) is fixed. Configuration (weight, method, thresholds) is
 * written by the control thread and read by workers. The connection counters are
 * updated atomically by any worker as connections are bound, change state and expire;
 * schedulers read them without locks, so a scheduler may see a count a few
 * connections stale under concurrency, as the kernel's schedulers do.
 *
 * <p>Counter rules (IPVS-SEMANTICS §2.4, §2.9): every non-template connection counts in
 * exactly one of {@link #activeConns()} and {@link #inactConns()}; a template counts in
 * {@link #persistConns()} only. {@link #OVERLOAD} is set when a connection is bound and
 * the total reaches the upper threshold, and cleared when one is unbound and the total
 * falls below the lower threshold (or below 75% of the upper one when no lower is set).
 *
 * <p>The counters, which every worker writes, are kept apart from the fields read per packet
 * ({@link #isAvailable()}, the weight) by padding ({@link DestinationCounters}).
 */
public final class Destination extends DestinationCounters.RightPadding {
    /** Flag: the server is linked in its service; cleared when it is deleted. */
    public static final int AVAILABLE = 0x0001;
    /** Flag: the upper connection threshold was reached; schedulers skip the server. */
    public static final int OVERLOAD = 0x0002;

    private static final VarHandle FLAGS;
    private static final VarHandle ACTIVE;
    private static final VarHandle INACTIVE;
    private static final VarHandle PERSIST;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FLAGS = lookup.findVarHandle(Destination.class, "flags", int.class);
            ACTIVE = lookup.findVarHandle(DestinationCounters.Counters.class, "activeConns", int.class);
            INACTIVE = lookup.findVarHandle(DestinationCounters.Counters.class, "inactConns", int.class);
            PERSIST = lookup.findVarHandle(DestinationCounters.Counters.class, "persistConns", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int addr;
    private final int port;

    private volatile ForwardingMethod method;
    private volatile int weight;
    private volatile int lastWeight;
    private volatile int upperThreshold;
    private volatile int lowerThreshold;

    @SuppressWarnings("unused") // accessed through FLAGS
    private volatile int flags;

    /**
     * A new, available destination. As {@code ipvsadm -a} does, {@code lastWeight}
     * starts equal to the weight, even when that is 0.
     *
     * @param addr IPv4 address, host byte order
     * @param port port, 0..65535 (0 for fwmark services whose servers keep the
     *        client's port)
     */
    public Destination(int addr, int port, ForwardingMethod method, int weight) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        checkWeight(weight);
        this.addr = addr;
        this.port = port;
        this.method = method;
        this.weight = weight;
        this.lastWeight = weight;
        this.flags = AVAILABLE;
    }

    private static void checkWeight(int weight) {
        if (weight < 0 || weight > 0xFFFF) {
            throw new IllegalArgumentException("weight must be 0..65535, was " + weight);
        }
    }

    /** IPv4 address, host byte order. */
    public int addr() {
        return addr;
    }

    /** Port, host byte order. */
    public int port() {
        return port;
    }

    public ForwardingMethod method() {
        return method;
    }

    /** Control thread: changes the forwarding method of new connections. */
    public void method(ForwardingMethod method) {
        this.method = method;
    }

    /** Weight 0..65535; 0 means quiesced. */
    public int weight() {
        return weight;
    }

    /**
     * Control thread: sets the weight. As the kernel does, {@link #lastWeight()} follows
     * only non-zero weights, so quiescing keeps it (Maglev hashing relies on that).
     */
    public void weight(int weight) {
        checkWeight(weight);
        this.weight = weight;
        if (weight > 0) {
            this.lastWeight = weight;
        }
    }

    /**
     * Control thread: a deleted destination added to its service again (the kernel revives a
     * server still in its trash). As for a new one, the method and weight are the new ones and
     * {@link #lastWeight()} starts equal to the weight, even 0; the counters carry on.
     */
    public void readd(ForwardingMethod method, int weight) {
        checkWeight(weight);
        this.method = method;
        this.weight = weight;
        this.lastWeight = weight;
    }

    /** The latest non-zero weight (or the initial weight, even 0), used by mh. */
    public int lastWeight() {
        return lastWeight;
    }

    /** Upper connection threshold ({@code -x}); 0 means none. */
    public int upperThreshold() {
        return upperThreshold;
    }

    /** Lower connection threshold ({@code -y}); 0 means none. */
    public int lowerThreshold() {
        return lowerThreshold;
    }

    /**
     * Control thread: sets both thresholds as {@code ipvsadm -e -x U -y L} does. The
     * OVERLOAD flag is cleared at once when the new upper threshold is 0 or higher than
     * the old one; lowering it takes effect at the next bind (IPVS-SEMANTICS §2.9).
     *
     * @throws IllegalArgumentException when a value is negative, or when lower &gt;
     *         upper (the kernel's ERANGE, also when no upper threshold is set)
     */
    public void thresholds(int upper, int lower) {
        if (upper < 0 || lower < 0) {
            throw new IllegalArgumentException("thresholds must be >= 0, were " + upper + "/" + lower);
        }
        if (lower > upper) {
            throw new IllegalArgumentException("Numerical result out of range: lower threshold "
                    + lower + " exceeds upper threshold " + upper);
        }
        int old = this.upperThreshold;
        this.lowerThreshold = lower;
        this.upperThreshold = upper;
        if (upper == 0 || upper > old) {
            clearFlag(OVERLOAD);
        }
    }

    /** The flag word ({@link #AVAILABLE}, {@link #OVERLOAD}). */
    public int flags() {
        return (int) FLAGS.getVolatile(this);
    }

    public boolean isAvailable() {
        return (flags() & AVAILABLE) != 0;
    }

    public boolean isOverloaded() {
        return (flags() & OVERLOAD) != 0;
    }

    /** Sets flag bits atomically. */
    public void setFlag(int bits) {
        int f;
        do {
            f = (int) FLAGS.getVolatile(this);
        } while ((f & bits) != bits && !FLAGS.compareAndSet(this, f, f | bits));
    }

    /** Clears flag bits atomically. */
    public void clearFlag(int bits) {
        int f;
        do {
            f = (int) FLAGS.getVolatile(this);
        } while ((f & bits) != 0 && !FLAGS.compareAndSet(this, f, f & ~bits));
    }

    public int activeConns() {
        return (int) ACTIVE.getVolatile(this);
    }

    public int inactConns() {
        return (int) INACTIVE.getVolatile(this);
    }

    public int persistConns() {
        return (int) PERSIST.getVolatile(this);
    }

    /** active + inactive, the count the thresholds compare (templates excluded). */
    public int totalConns() {
        return activeConns() + inactConns();
    }

    /**
     * The kernel's {@code ip_vs_dest_conn_overhead}: active × 256 + inactive, the load
     * lc and wlc minimise.
     */
    public int overhead() {
        return (activeConns() << 8) + inactConns();
    }

    /**
     * A connection (or template) was bound to this server: {@code ip_vs_bind_dest}.
     * Worker threads; lock-free, allocation-free.
     *
     * @param template a persistence template, counted in persistConns only
     * @param active   whether the new connection starts in an active state (new TCP
     *                 connections start inactive and move with their first transition)
     */
    public void bindConn(boolean template, boolean active) {
        if (template) {
            PERSIST.getAndAdd(this, 1);
        } else if (active) {
            ACTIVE.getAndAdd(this, 1);
        } else {
            INACTIVE.getAndAdd(this, 1);
        }
        int upper = upperThreshold;
        if (upper != 0 && totalConns() >= upper) {
            setFlag(OVERLOAD);
        }
    }

    /**
     * A connection (or template) bound to this server expired: {@code ip_vs_unbind_dest}.
     * Worker threads; lock-free, allocation-free.
     *
     * @param active whether it was counted as active at the time
     */
    public void unbindConn(boolean template, boolean active) {
        if (template) {
            PERSIST.getAndAdd(this, -1);
        } else if (active) {
            ACTIVE.getAndAdd(this, -1);
        } else {
            INACTIVE.getAndAdd(this, -1);
        }
        int lower = lowerThreshold;
        int upper = upperThreshold;
        if (lower != 0) {
            if (totalConns() < lower) {
                clearFlag(OVERLOAD);
            }
        } else if (upper != 0) {
            if ((long) totalConns() * 4 < (long) upper * 3) {
                clearFlag(OVERLOAD);
            }
        } else {
            clearFlag(OVERLOAD);
        }
    }

    /** A connection entered an active TCP state: one count moves inactive → active. */
    public void inactiveToActive() {
        INACTIVE.getAndAdd(this, -1);
        ACTIVE.getAndAdd(this, 1);
    }

    /** A connection left the active TCP states: one count moves active → inactive. */
    public void activeToInactive() {
        ACTIVE.getAndAdd(this, -1);
        INACTIVE.getAndAdd(this, 1);
    }

    /**
     * Sets the counters directly. For tests, scenario replay and restoring state; not
     * for use while workers run.
     */
    public void setConns(int active, int inactive) {
        ACTIVE.setVolatile(this, active);
        INACTIVE.setVolatile(this, inactive);
    }

    /** {@code addr:port}, as ipvsadm prints it with {@code -n}. */
    @Override
    public String toString() {
        return Ipv4.format(addr) + ":" + port;
    }
}
