package io.jlvs.config.model;

import io.jlvs.core.service.Protocol;
import io.jlvs.core.service.SchedulerFlag;

import java.util.List;
import java.util.Optional;

/**
 * A virtual service: its key, scheduler, persistence and real servers.
 *
 * @param key            protocol, VIP and port, or fwmark
 * @param scheduler      scheduler name ({@code wrr}, {@code mh}...)
 * @param schedulerFlags {@link SchedulerFlag} bits ({@link SchedulerFlag#MASK}), 0 for none
 * @param persistence    persistence, or empty for none
 * @param servers        the real servers, in file order, no two with the same address and port
 * @param healthCheck    the health check of its servers (a server may have its own), or empty for none
 * @param onePacket      one-packet scheduling ({@code ipvsadm -o}): each UDP datagram is scheduled
 *                       on its own and leaves no connection entry; UDP and fwmark services only
 */
public record ServiceSpec(ServiceKey key, String scheduler, int schedulerFlags,
                          Optional<Persistence> persistence, List<RealServerSpec> servers,
                          Optional<HealthCheck> healthCheck, boolean onePacket) {
    /** A service without one-packet scheduling. */
    public ServiceSpec(ServiceKey key, String scheduler, int schedulerFlags, Optional<Persistence> persistence,
                       List<RealServerSpec> servers, Optional<HealthCheck> healthCheck) {
        this(key, scheduler, schedulerFlags, persistence, servers, healthCheck, false);
    }

    /** A service without a health check. */
    public ServiceSpec(ServiceKey key, String scheduler, int schedulerFlags, Optional<Persistence> persistence,
                       List<RealServerSpec> servers) {
        this(key, scheduler, schedulerFlags, persistence, servers, Optional.empty());
    }

    /** Copies the list and checks the flags and the port-0 rule. */
    public ServiceSpec {
        if (healthCheck == null) {
            throw new IllegalArgumentException("healthCheck must be present or empty, not null");
        }
        servers = List.copyOf(servers);
        if ((schedulerFlags & ~SchedulerFlag.MASK) != 0) {
            throw new IllegalArgumentException("scheduler flags outside 0x38: 0x"
                    + Integer.toHexString(schedulerFlags));
        }
        if (key instanceof ServiceKey.Address address && address.port() == 0 && persistence.isEmpty()) {
            throw new IllegalArgumentException("Zero port specified for non-persistent service " + key);
        }
        if (onePacket && !allowsOnePacket(key)) {
            throw new IllegalArgumentException("One-Packet Scheduling is only for UDP virtual services: " + key);
        }
    }

    /** Whether a service with this key may schedule one packet at a time: UDP and fwmark services, as ipvsadm allows. */
    public static boolean allowsOnePacket(ServiceKey key) {
        return key instanceof ServiceKey.Mark
                || key instanceof ServiceKey.Address address && address.protocol() == Protocol.UDP;
    }

    /** The real server with that address and port, or empty. */
    public Optional<RealServerSpec> server(int address, int port) {
        for (RealServerSpec server : servers) {
            if (server.address() == address && server.port() == port) {
                return Optional.of(server);
            }
        }
        return Optional.empty();
    }

    /** The check that applies to {@code server}: its own, else the service's, else none. */
    public Optional<HealthCheck> healthCheckOf(RealServerSpec server) {
        return server.healthCheck().or(() -> healthCheck);
    }
}
