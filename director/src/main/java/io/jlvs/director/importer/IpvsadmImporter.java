package io.jlvs.director.importer;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.director.adm.AdmCommand;
import io.jlvs.director.adm.AdmParser;
import io.jlvs.director.adm.RestoreReader;
import io.jlvs.director.adm.RuleTable;
import io.jlvs.director.adm.ServicePorts;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Translates {@code ipvsadm-save} / {@code ipvsadm -S[n]} text (one ipvsadm command per
 * line, IPVS-SEMANTICS §4.1 and §4.2) into a {@link io.jlvs.config.model.ServiceFile}: each
 * line is parsed as {@code ipvsadm -R} would ({@link RestoreReader}), applied in order to a
 * {@link RuleTable}, and the table converted. {@code --set} gives the file's timeouts (a 0
 * keeps the current value, as ipvsadm). Host and service names (what {@code -S} without
 * {@code -n} writes) are resolved: ports as jlvsadm resolves them ({@link ServicePorts}), hosts
 * through the system resolver; a name that does not resolve leaves its line out, with a note.
 *
 * <p>Errors (nothing is translated): a line ipvsadm would refuse, with ipvsadm's message, and
 * a command the kernel would refuse ({@code Service already exists}, {@code No such
 * destination}...). Notes (the rest is translated): what the service file cannot hold
 * ({@code --pe}, {@code -o}, SCTP, GUE/GRE tunnels), IPv6 lines (skipped: jlvs balances IPv4
 * only), names that do not resolve, and commands that change no rules ({@code -L},
 * {@code -Z}...).
 */
public final class IpvsadmImporter {
    private static final Set<String> ADDRESS_OPTIONS = Set.of("-t", "--tcp-service", "-u", "--udp-service",
            "--sctp-service", "-r", "--real-server");

    /** Looks up the names ipvsadm writes without {@code -n}: hosts here, ports as {@link ServicePorts.Names}. */
    public interface Names extends ServicePorts.Names {
        /** The IPv4 address of a host name, host byte order, or empty. */
        OptionalInt host(String name);

        /** Hosts through the system resolver, ports through {@code /etc/services}. */
        static Names system() {
            return new SystemNames();
        }
    }

    private final Names names;
    private final ServicePorts ports;

    /** An importer that resolves names with {@code names}. */
    public IpvsadmImporter(Names names) {
        this.names = names;
        this.ports = new ServicePorts(names);
    }

    /**
     * Translates rules text.
     *
     * @param text       the rules
     * @param interfaces the interfaces of the file's global settings (ipvsadm has none)
     */
    public ImportResult translate(String text, List<String> interfaces) {
        List<String> notes = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder resolved = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                resolved.append('\n');
            }
            resolved.append(resolveNames(lines[i], i + 1, notes));
        }
        RestoreReader.Result read = new RestoreReader(new AdmParser(ports)).read(resolved.toString());
        List<String> errors = new ArrayList<>();
        for (RestoreReader.LineError error : read.errors()) {
            if (error.message().startsWith(AdmParser.IPV6_NOT_YET)) {
                notes.add(error + "; line skipped");
            } else {
                // strip(): some of ipvsadm's messages end with a line feed of their own.
                errors.add(error.toString().strip());
            }
        }
        if (!errors.isEmpty()) {
            return ImportResult.failed(errors, notes);
        }
        RuleTable table = new RuleTable();
        Timeouts timeouts = Timeouts.DEFAULT;
        Map<String, Integer> serviceLines = new HashMap<>();
        for (RestoreReader.Line line : read.lines()) {
            AdmCommand command = line.command();
            switch (command.kind()) {
                case ADD_SERVICE, EDIT_SERVICE, DELETE_SERVICE, FLUSH, ADD_SERVER, EDIT_SERVER, DELETE_SERVER -> {
                    Optional<String> refused = table.apply(command);
                    if (refused.isPresent()) {
                        errors.add("line " + line.lineNumber() + ": " + refused.get());
                    } else if (command.service().isPresent()) {
                        serviceLines.putIfAbsent(command.service().get().selector(), line.lineNumber());
                    }
                }
                case SET_TIMEOUTS -> timeouts = command.timeouts().orElseThrow().appliedTo(timeouts);
                default -> notes.add("line " + line.lineNumber() + ": --" + command.kind().commandName()
                        + " changes no rules; ignored");
            }
        }
        if (!errors.isEmpty()) {
            return ImportResult.failed(errors, notes);
        }
        GlobalSettings global = GlobalSettings.defaults(interfaces).withTimeouts(timeouts);
        RuleTable.Conversion conversion = table.toServiceFile(global);
        for (String problem : conversion.problems()) {
            notes.add(placed(problem, serviceLines));
        }
        return new ImportResult(Optional.of(conversion.file()), List.of(), notes, List.of());
    }

    /** The problem with the line of the service it names in front, when known. */
    private static String placed(String problem, Map<String, Integer> serviceLines) {
        for (Map.Entry<String, Integer> entry : serviceLines.entrySet()) {
            String selector = entry.getKey();
            if (problem.startsWith(selector + ":") || problem.startsWith(selector + " ")) {
                return "line " + entry.getValue() + ": " + problem;
            }
        }
        return problem;
    }

    /** The line with host and port names replaced by numbers; empty (with a note) when one does not resolve. */
    private String resolveNames(String line, int lineNumber, List<String> notes) {
        String[] words = line.split("[ \t\r]+");
        Protocol protocol = Protocol.TCP;
        boolean changed = false;
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            if (word.startsWith("#")) {
                break;
            }
            switch (word) {
                case "-u", "--udp-service" -> protocol = Protocol.UDP;
                case "--sctp-service" -> protocol = Protocol.SCTP;
                default -> {
                }
            }
            if (!ADDRESS_OPTIONS.contains(word) || i + 1 >= words.length) {
                continue;
            }
            String value = words[i + 1];
            if (value.startsWith("[") || value.startsWith("-") || value.indexOf(':') != value.lastIndexOf(':')) {
                continue;
            }
            int colon = value.lastIndexOf(':');
            String host = colon < 0 ? value : value.substring(0, colon);
            String port = colon < 0 ? null : value.substring(colon + 1);
            String numericHost = host;
            if (!host.isEmpty() && !Ipv4.isInetAton(host)) {
                OptionalInt address = names.host(host);
                if (address.isEmpty()) {
                    notes.add("line " + lineNumber + ": host name '" + host + "' does not resolve to an IPv4 address;"
                            + " line left out");
                    return "";
                }
                numericHost = Ipv4.format(address.getAsInt());
            }
            if (port != null && ServicePorts.isName(port) && ports.parse(port, protocol) < 0) {
                notes.add("line " + lineNumber + ": service name '" + port + "' is not a known "
                        + protocol.name().toLowerCase(Locale.ROOT) + " port; line left out");
                return "";
            }
            String numeric = port == null ? numericHost : numericHost + ":" + port;
            if (!numeric.equals(value)) {
                words[i + 1] = numeric;
                changed = true;
            }
        }
        return changed ? String.join(" ", words) : line;
    }

    /** Hosts by the system resolver (IPv4 only), ports from {@code /etc/services}. */
    private static final class SystemNames implements Names {
        @Override
        public OptionalInt host(String name) {
            try {
                for (InetAddress address : InetAddress.getAllByName(name)) {
                    if (address instanceof Inet4Address v4) {
                        return OptionalInt.of(Ipv4.of(v4));
                    }
                }
            } catch (UnknownHostException | SecurityException e) {
                return OptionalInt.empty();
            }
            return OptionalInt.empty();
        }

        @Override
        public OptionalInt port(String name, Protocol protocol) {
            return ServicePorts.systemNames().port(name, protocol);
        }
    }
}
