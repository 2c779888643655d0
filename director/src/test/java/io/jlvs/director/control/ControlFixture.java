package io.jlvs.director.control;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.VirtualService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A control plane over a service table with no data plane: an empty running set, a
 * connection table of 4096 entries (so listings say {@code size=4096}) and the kernel's
 * default timeouts. Closes the connection table.
 */
final class ControlFixture implements AutoCloseable {
    final ServiceTable services = new ServiceTable(256, 4096);
    final ConnTable connTable = new ConnTable(4096);
    final Timeouts timeouts = new Timeouts();
    final ConnTracker tracker = new ConnTracker(connTable, services.registry(), timeouts, new ConnSysctls());
    final ControlCommands commands;

    ControlFixture() {
        this(null);
    }

    ControlFixture(Path configFile) {
        this(new ServiceFile(GlobalSettings.defaults(List.of("eth0")), List.of()), configFile);
    }

    /** A control plane whose table already runs {@code file}'s services. */
    ControlFixture(ServiceFile file, Path configFile) {
        services.addAll(file.services());
        commands = new ControlCommands(services, file, configFile, tracker, timeouts, () -> 0L);
    }

    /** Runs one command line (words split on spaces) directly, without the socket. */
    ControlResponse run(String line) {
        return commands.execute(new ControlRequest(line.isEmpty() ? List.of() : List.of(line.split(" ")), ""));
    }

    /** Runs {@code -R} with that input. */
    ControlResponse restore(String input) {
        return commands.execute(new ControlRequest(List.of("-R"), input));
    }

    /** The running service with that TCP key. */
    VirtualService tcp(String vip, int port) {
        return services.service(new ServiceKey.Address(Protocol.TCP, Ipv4.parse(vip), port));
    }

    /** The running real server of {@code service} at that address and port. */
    static Destination dest(VirtualService service, String address, int port) {
        for (Destination d : service.destinations()) {
            if (d.addr() == Ipv4.parse(address) && d.port() == port) {
                return d;
            }
        }
        throw new AssertionError("no real server " + address + ":" + port + " in " + service);
    }

    /** A golden file or fixture of the ipvsadm formatter's tests. */
    static String admResource(String name) {
        try (InputStream in = ControlFixture.class.getResourceAsStream("/io/jlvs/director/adm/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        connTable.close();
    }
}
