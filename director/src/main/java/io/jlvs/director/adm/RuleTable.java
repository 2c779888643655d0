package io.jlvs.director.adm;

import io.jlvs.core.net.Ipv4;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.sched.Schedulers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ipvsadm rule set built by applying commands in order, with the kernel's refusals in
 * ipvsadm's words ({@code Service already exists}, {@code No such destination}...), and
 * its conversion to and from the service file model: {@code ipvsadm-save} text → commands
 * → table → {@link ServiceFile}, and back to {@code -S} text. Services and servers keep
 * the order they were added in. Not thread-safe.
 *
 * <p>Why a table of its own and not {@link ServiceSpec}s: ipvsadm accepts, and the kernel
 * keeps, settings the service file has no place for (SCTP services, {@code --pe},
 * {@code -o}, GUE and GRE tunnels, a non-contiguous persistence netmask, thresholds crossed
 * while a server is edited). jlvsadm and the importer must answer each command as ipvsadm
 * would and only then say what cannot be carried over ({@link #toServiceFile}'s problems), so
 * the commands act on this ipvsadm-shaped model, built from the file by {@link #of}.
 */
public final class RuleTable {
    /** A service of the table: its key, settings and servers. */
    private static final class Entry {
        final ServiceRef service;
        ServiceOptions options;
        final List<ServerOptions> servers = new ArrayList<>();

        Entry(ServiceRef service, ServiceOptions options) {
            this.service = service;
            this.options = options;
        }
    }

    /**
     * The result of {@link #toServiceFile}: the file, and what could not be carried over.
     *
     * @param file     the services that could be translated
     * @param problems one line per setting or service left out
     */
    public record Conversion(ServiceFile file, List<String> problems) {
        /** Copies the list. */
        public Conversion {
            problems = List.copyOf(problems);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /**
     * Applies one command. Commands that do not change rules ({@code -L}, {@code -S},
     * {@code -Z}, {@code --set}) leave the table alone.
     *
     * @return the kernel's refusal as ipvsadm prints it, or empty when applied
     */
    public Optional<String> apply(AdmCommand command) {
        Entry entry = command.service().map(this::find).orElse(null);
        switch (command.kind()) {
            case ADD_SERVICE -> {
                if (entry != null) {
                    return Optional.of("Service already exists");
                }
                Optional<String> refused = checkScheduler(command.serviceOptions());
                if (refused.isEmpty()) {
                    entries.add(new Entry(command.service().orElseThrow(), command.serviceOptions()));
                }
                return refused;
            }
            case EDIT_SERVICE -> {
                if (entry == null) {
                    return Optional.of("No such service");
                }
                Optional<String> refused = checkScheduler(command.serviceOptions());
                if (refused.isEmpty()) {
                    entry.options = command.serviceOptions();
                }
                return refused;
            }
            case DELETE_SERVICE -> {
                if (entry == null) {
                    return Optional.of("No such service");
                }
                entries.remove(entry);
                return Optional.empty();
            }
            case FLUSH -> {
                entries.clear();
                return Optional.empty();
            }
            case ADD_SERVER, EDIT_SERVER, DELETE_SERVER -> {
                return applyServer(command, entry);
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private Optional<String> applyServer(AdmCommand command, Entry entry) {
        if (entry == null) {
            return Optional.of("Service not defined");
        }
        ServerOptions server = command.server().orElseThrow();
        int index = -1;
        for (int i = 0; i < entry.servers.size(); i++) {
            ServerOptions existing = entry.servers.get(i);
            if (existing.address() == server.address() && existing.port() == server.port()) {
                index = i;
            }
        }
        if (command.kind() != AdmCommandKind.DELETE_SERVER && Ipv4.realServerProblem(server.address()) != null) {
            return Optional.of("Invalid argument");
        }
        if (command.kind() != AdmCommandKind.DELETE_SERVER && server.lowerThreshold() > server.upperThreshold()) {
            return Optional.of("Numerical result out of range");
        }
        switch (command.kind()) {
            case ADD_SERVER -> {
                if (index >= 0) {
                    return Optional.of("Destination already exists");
                }
                entry.servers.add(server);
            }
            case EDIT_SERVER -> {
                if (index < 0) {
                    return Optional.of("No such destination");
                }
                entry.servers.set(index, server);
            }
            default -> {
                if (index < 0) {
                    return Optional.of("No such destination");
                }
                entry.servers.remove(index);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkScheduler(ServiceOptions options) {
        boolean knownEngine = options.persistenceEngine().isEmpty() || options.persistenceEngine().equals("sip");
        if (!Schedulers.names().contains(options.scheduler()) || !knownEngine) {
            return Optional.of("Scheduler or persistence engine not found");
        }
        return Optional.empty();
    }

    private Entry find(ServiceRef service) {
        for (Entry entry : entries) {
            if (entry.service.equals(service)) {
                return entry;
            }
        }
        return null;
    }

    /** The table as listings show it, with no connections and zero statistics. */
    public List<ServiceView> views() {
        List<ServiceView> views = new ArrayList<>();
        for (Entry entry : entries) {
            List<DestView> dests = new ArrayList<>();
            for (ServerOptions server : entry.servers) {
                dests.add(DestView.idle(server));
            }
            views.add(new ServiceView(entry.service, entry.options, StatsView.ZERO, dests));
        }
        return views;
    }

    /**
     * The table as a service file with those global settings. What the file cannot hold
     * (SCTP services, {@code --pe}, {@code -o}, GUE/GRE tunnels, a netmask that is not
     * contiguous, a netmask on a service that is not persistent) is left out and named.
     */
    public Conversion toServiceFile(GlobalSettings global) {
        return toServiceFile(new ServiceFile(global, List.of()));
    }

    /**
     * The table as a service file with {@code running}'s global settings, each service and
     * server that {@code running} also has keeping what only a service file says about it and
     * ipvsadm has no words for: its health check. So {@code jlvsadm -e} of one server's weight
     * leaves every service's checks running; a service deleted and added again by commands comes
     * back without one, as it would under ipvsadm.
     */
    public Conversion toServiceFile(ServiceFile running) {
        GlobalSettings global = running.global();
        List<ServiceSpec> specs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Entry entry : entries) {
            String name = entry.service.selector();
            ServiceKey key;
            if (entry.service.isFwmark()) {
                key = new ServiceKey.Mark(entry.service.fwmark());
            } else if (entry.service.protocol() == Protocol.SCTP) {
                problems.add(name + ": SCTP services are not supported; service left out");
                continue;
            } else {
                key = new ServiceKey.Address(entry.service.protocol(), entry.service.address(), entry.service.port());
            }
            ServiceOptions options = entry.options;
            if (!options.persistenceEngine().isEmpty()) {
                problems.add(name + ": persistence engine '" + options.persistenceEngine() + "' not supported; left out");
            }
            Optional<Persistence> persistence = Optional.empty();
            if (options.isPersistent()) {
                if (Persistence.isContiguous(options.netmask())) {
                    persistence = Optional.of(new Persistence(options.persistenceSeconds(), options.netmask()));
                } else {
                    problems.add(name + ": persistence netmask is not contiguous; service left out");
                    continue;
                }
            }
            List<RealServerSpec> servers = new ArrayList<>();
            for (ServerOptions server : entry.servers) {
                if (server.tunnelType() != TunnelType.IPIP) {
                    problems.add(name + " -r " + server.endpoint() + ": tunnel type " + server.tunnelType().typeName()
                            + " not supported; server left out");
                    continue;
                }
                if (server.lowerThreshold() > server.upperThreshold()) {
                    problems.add(name + " -r " + server.endpoint() + ": lower threshold above upper; server left out");
                    continue;
                }
                int port = server.port();
                if (entry.service.isFwmark() && port != 0 && server.method() != ForwardingMethod.MASQ) {
                    // ipvsadm keeps it, but DR and TUN leave the client's port as it is, and a file says 0.
                    problems.add(name + " -r " + server.endpoint() + ": a DR or TUN server of a fwmark service keeps"
                            + " the client's port; port " + port + " left out");
                    port = 0;
                }
                int address = server.address();
                int finalPort = port;
                if (servers.stream().anyMatch(s -> s.address() == address && s.port() == finalPort)) {
                    problems.add(name + " -r " + server.endpoint() + ": the same server as another once its port is"
                            + " left out; server left out");
                    continue;
                }
                Optional<ServiceSpec> before = running.service(key);
                servers.add(new RealServerSpec(server.address(), port, server.weight(), server.method(),
                        server.upperThreshold(), server.lowerThreshold(), before.flatMap(b -> b.server(address,
                                finalPort)).flatMap(RealServerSpec::healthCheck)));
            }
            specs.add(new ServiceSpec(key, options.scheduler(), options.schedulerFlags(), persistence, servers,
                    running.service(key).flatMap(ServiceSpec::healthCheck), options.onePacket()));
        }
        return new Conversion(new ServiceFile(global, specs), problems);
    }

    /** A table holding the services of a file, in file order. */
    public static RuleTable of(ServiceFile file) {
        RuleTable table = new RuleTable();
        for (ServiceSpec spec : file.services()) {
            Entry entry = new Entry(ServiceRef.of(spec.key()), ServiceOptions.of(spec));
            for (RealServerSpec server : spec.servers()) {
                entry.servers.add(new ServerOptions(server.address(), server.port(), server.method(), server.weight(),
                        server.upperThreshold(), server.lowerThreshold(), TunnelType.IPIP, 0, TunnelChecksum.NOCSUM));
            }
            table.entries.add(entry);
        }
        return table;
    }
}
