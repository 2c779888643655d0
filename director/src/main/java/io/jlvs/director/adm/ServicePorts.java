package io.jlvs.director.adm;

import io.jlvs.core.service.Protocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The port of an {@code address:port} argument as ipvsadm reads it: a decimal number
 * 0..65535, else a service name looked up for the service's protocol as
 * {@code getservbyname(name, "tcp"|"udp"|"sctp")} does, in {@code /etc/services} (names and
 * aliases). {@code http} is 80 and {@code https} 443 for TCP on any usual system. The one
 * port reader of jlvsadm, jlvsd's control socket and {@code jlvs import ipvsadm}.
 *
 * <pre>{@code
 * ServicePorts ports = ServicePorts.system();
 * ports.parse("8080", Protocol.TCP);   // 8080
 * ports.parse("https", Protocol.TCP);  // 443
 * ports.parse("nosuch", Protocol.TCP); // -1
 * }</pre>
 *
 * <p>Control thread only; the services file is read once, at the first name.
 */
public final class ServicePorts {
    /** Where service names are looked up. */
    public static final Path ETC_SERVICES = Path.of("/etc/services");

    /** Looks up the port of a service name. */
    @FunctionalInterface
    public interface Names {
        /** The port of service {@code name} for {@code protocol}, host byte order, or empty. */
        OptionalInt port(String name, Protocol protocol);
    }

    private static final Names SYSTEM_NAMES = new FileNames(ETC_SERVICES);
    private static final ServicePorts SYSTEM = new ServicePorts(SYSTEM_NAMES);

    private final Names names;

    /** Ports whose names are looked up with {@code names}. */
    public ServicePorts(Names names) {
        this.names = names;
    }

    /** Ports whose names are looked up in {@code /etc/services}. */
    public static ServicePorts system() {
        return SYSTEM;
    }

    /** The names of {@code /etc/services}, read once. */
    public static Names systemNames() {
        return SYSTEM_NAMES;
    }

    /** The names of a services file of {@code /etc/services} form, read at the first look-up. */
    public static Names servicesFile(Path file) {
        return new FileNames(file);
    }

    /**
     * The port {@code text} names for {@code protocol}: a number as C's {@code strtol} reads it
     * (0..65535), else a service name's port.
     *
     * @return 0..65535, host byte order, or -1 when it is neither
     */
    public int parse(String text, Protocol protocol) {
        Long number = AdmParser.cLong(text);
        if (number != null) {
            return number >= 0 && number <= 0xFFFF ? (int) (long) number : -1;
        }
        if (text.isEmpty()) {
            return -1;
        }
        OptionalInt port = names.port(text, protocol);
        return port.isPresent() && port.getAsInt() >= 0 && port.getAsInt() <= 0xFFFF ? port.getAsInt() : -1;
    }

    /** Whether {@code text} is a service name rather than a number. */
    public static boolean isName(String text) {
        return !text.isEmpty() && AdmParser.cLong(text) == null;
    }

    /** Names from a services file read once, at the first look-up. */
    private static final class FileNames implements Names {
        private final Path file;
        private Map<String, Integer> services;

        FileNames(Path file) {
            this.file = file;
        }

        @Override
        public synchronized OptionalInt port(String name, Protocol protocol) {
            if (services == null) {
                services = readServices(file);
            }
            Integer port = services.get(name + "/" + protocol.name().toLowerCase(Locale.ROOT));
            return port == null ? OptionalInt.empty() : OptionalInt.of(port);
        }
    }

    /**
     * The {@code name/protocol → port} map of a services file (names and aliases; the first
     * line of a name wins), empty when it cannot be read.
     */
    static Map<String, Integer> readServices(Path file) {
        Map<String, Integer> map = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return map;
        }
        for (String raw : lines) {
            int hash = raw.indexOf('#');
            String[] fields = (hash < 0 ? raw : raw.substring(0, hash)).trim().split("\\s+");
            if (fields.length < 2 || !fields[1].matches("[0-9]{1,5}/[a-z]+")) {
                continue;
            }
            String[] portProto = fields[1].split("/");
            int port = Integer.parseInt(portProto[0]);
            for (int i = 0; i < fields.length; i++) {
                if (i != 1) {
                    map.putIfAbsent(fields[i] + "/" + portProto[1], port);
                }
            }
        }
        return map;
    }
}
