package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Scheduler;

/**
 * What the connection tracker needs of a virtual service to create connections:
 * protocol, address and port (or fwmark), the scheduler, and persistence
 * ({@code -p timeout}, {@code -M netmask}). Immutable; built by the control thread,
 * read by workers.
 */
public final class TrackedService {
    /** ipvsadm's persistence timeout when {@code -p} has no value. */
    public static final int DEFAULT_PERSIST_TIMEOUT_S = 360;
    private static final int FTP_PORT = 21;

    private final int protocol;
    private final int vaddr;
    private final int vport;
    private final int fwmark;
    private final Scheduler scheduler;
    private final int persistTimeoutS;
    private final int netmask;
    private final boolean onePacket;

    /**
     * @param protocol        IP protocol number (6 TCP, 17 UDP)
     * @param vaddr           virtual IPv4 address, host byte order (ignored for fwmark services)
     * @param vport           virtual port, host byte order (0 for port-0 and fwmark services)
     * @param fwmark          the firewall mark of a fwmark service, 0 for an address service
     * @param scheduler       the service's scheduler
     * @param persistTimeoutS persistence timeout in seconds, 0 when not persistent
     * @param netmask         persistence netmask, host byte order ({@code 0xFFFFFFFF} = /32)
     */
    public TrackedService(int protocol, int vaddr, int vport, int fwmark, Scheduler scheduler,
                          int persistTimeoutS, int netmask) {
        this(protocol, vaddr, vport, fwmark, scheduler, persistTimeoutS, netmask, false);
    }

    /**
     * A service that may schedule one packet at a time ({@code onePacket}: each UDP datagram
     * scheduled on its own, its entry removed once the datagram is forwarded, as IPVS's
     * {@code IP_VS_SVC_F_ONEPACKET}); the other parameters as the 7-argument constructor.
     */
    public TrackedService(int protocol, int vaddr, int vport, int fwmark, Scheduler scheduler,
                          int persistTimeoutS, int netmask, boolean onePacket) {
        if (vport < 0 || vport > 0xFFFF) {
            throw new IllegalArgumentException("virtual port must be 0..65535, was " + vport);
        }
        if (persistTimeoutS < 0 || persistTimeoutS > Timeouts.MAX_S) {
            throw new IllegalArgumentException("persistence timeout must be 1.." + Timeouts.MAX_S
                    + " s (0 for none), was " + persistTimeoutS);
        }
        if (scheduler == null) {
            throw new IllegalArgumentException("a service needs a scheduler");
        }
        this.protocol = protocol;
        this.vaddr = vaddr;
        this.vport = vport;
        this.fwmark = fwmark;
        this.scheduler = scheduler;
        this.persistTimeoutS = persistTimeoutS;
        this.netmask = netmask;
        this.onePacket = onePacket;
    }

    /** Whether each UDP datagram is scheduled on its own ({@code ipvsadm -o}). */
    public boolean isOnePacket() {
        return onePacket;
    }

    /** A non-persistent address service. */
    public static TrackedService of(int protocol, int vaddr, int vport, Scheduler scheduler) {
        return new TrackedService(protocol, vaddr, vport, 0, scheduler, 0, -1);
    }

    public int protocol() {
        return protocol;
    }

    /** Virtual address, host byte order. */
    public int vaddr() {
        return vaddr;
    }

    /** Virtual port, host byte order. */
    public int vport() {
        return vport;
    }

    public int fwmark() {
        return fwmark;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public boolean isPersistent() {
        return persistTimeoutS != 0;
    }

    public int persistTimeoutS() {
        return persistTimeoutS;
    }

    /** Persistence netmask, host byte order. */
    public int netmask() {
        return netmask;
    }

    /**
     * The template's virtual port: the service port, except 0 for FTP (21), port-0 and
     * fwmark services (IPVS-SEMANTICS §2.7).
     */
    int templatePort() {
        return fwmark != 0 || vport == FTP_PORT ? 0 : vport;
    }

    @Override
    public String toString() {
        String name = fwmark != 0 ? "FWM " + fwmark : Ipv4.format(vaddr) + ":" + vport;
        return name + " " + scheduler.name() + (persistTimeoutS != 0 ? " persistent " + persistTimeoutS : "");
    }
}
