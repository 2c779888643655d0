package io.jlvs.director.adm;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.Persistence;
import io.jlvs.core.service.SchedulerFlag;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import java.util.List;

/**
 * Prints ipvsadm's listings byte for byte (IPVS-SEMANTICS §4.2): {@code -L} in its normal,
 * {@code --stats}, {@code --rate}, {@code --thresholds}, {@code --persistent-conn} and
 * {@code --tun-info} forms, with {@code --exact} and {@code --nosort}; {@code -S};
 * {@code -Lc}; {@code -L --timeout}; {@code -h} and {@code -v}. Many lines end in spaces
 * because the last column is left-aligned and padded; they are kept.
 *
 * <p>Names are never resolved: the output is always that of {@code -n}, numeric addresses
 * and ports, with or without {@code -n}. IPv4 only.
 */
public final class AdmFormatter {
    /** The version ipvsadm prints in the listing header: IPVS 1.2.1. */
    public static final String IPVS_VERSION = "1.2.1";

    private AdmFormatter() {
    }

    /**
     * {@code ipvsadm -L} of all services: the version line with the connection table size,
     * the column titles, then each service and its servers.
     *
     * @param connTableSize the number printed as {@code (size=...)}
     */
    public static String listAll(List<ServiceView> services, ListFormat format, int connTableSize) {
        StringBuilder out = new StringBuilder();
        out.append("IP Virtual Server version ").append(IPVS_VERSION).append(" (size=").append(connTableSize)
                .append(")\n");
        title(out, format);
        for (ServiceView service : format.noSort() ? services : AdmSort.services(services)) {
            entry(out, service, format);
        }
        return out.toString();
    }

    /** {@code ipvsadm -L -t|-u|-f ...}: one service, with the column titles but no version line. */
    public static String listService(ServiceView service, ListFormat format) {
        StringBuilder out = new StringBuilder();
        title(out, format);
        entry(out, service, format);
        return out.toString();
    }

    /** {@code ipvsadm -S}: the rules that rebuild the table, sorted as {@code -L}. */
    public static String save(List<ServiceView> services) {
        StringBuilder out = new StringBuilder();
        for (ServiceView service : AdmSort.services(services)) {
            rules(out, service);
        }
        return out.toString();
    }

    /** {@code ipvsadm -Lc}: the rows in the given (table) order, never sorted. */
    public static String connections(List<ConnRow> conns, boolean persistentConn) {
        StringBuilder out = new StringBuilder("IPVS connection entries\n");
        if (persistentConn) {
            out.append("pro expire ").append(left("state", 11)).append(' ').append(left("source", 18)).append(' ')
                    .append(left("virtual", 18)).append(' ').append(left("destination", 18)).append(' ')
                    .append(left("pe name", 16)).append(' ').append("pe_data\n");
        } else {
            out.append("pro expire ").append(left("state", 11)).append(' ').append(left("source", 18)).append(' ')
                    .append(left("virtual", 18)).append(' ').append("destination\n");
        }
        for (ConnRow conn : conns) {
            String expire = twoDigits(conn.expireSeconds() / 60) + ":" + twoDigits(conn.expireSeconds() % 60);
            out.append(left(conn.protocol(), 3)).append(' ').append(left(expire, 6)).append(' ')
                    .append(left(conn.state(), 11)).append(' ')
                    .append(left(endpoint(conn.clientAddress(), conn.clientPort()), 18)).append(' ')
                    .append(left(endpoint(conn.virtualAddress(), conn.virtualPort()), 18)).append(' ');
            String dest = endpoint(conn.destAddress(), conn.destPort());
            if (persistentConn && !conn.peName().isEmpty()) {
                out.append(left(dest, 16)).append(' ').append(left(conn.peName(), 18)).append(' ')
                        .append(conn.peData());
            } else {
                out.append(dest);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** {@code ipvsadm -L --timeout}. */
    public static String timeouts(int tcpSeconds, int tcpFinSeconds, int udpSeconds) {
        return "Timeout (tcp tcpfin udp): " + tcpSeconds + " " + tcpFinSeconds + " " + udpSeconds + "\n";
    }

    /** {@code ipvsadm -v}. */
    public static String version() {
        return AdmParser.VERSION + "\n";
    }

    /**
     * {@code ipvsadm -h}: the version line and a summary of ipvsadm's commands and options, the
     * ones jlvs does not have yet marked so, then jlvs's own additions under their own heading.
     */
    public static String usage(String program) {
        String p = "  " + program;
        return AdmParser.VERSION + "\n"
                + "Usage:\n"
                + p + " -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine]"
                + " [-b sched-flags]\n"
                + p + " -D virtual-service\n"
                + p + " -C\n"
                + p + " -R\n"
                + p + " -S [-n]\n"
                + p + " -a|e virtual-service -r server-address [options]\n"
                + p + " -d virtual-service -r server-address\n"
                + p + " -L|l [virtual-service] [options]\n"
                + p + " -Z [virtual-service]\n"
                + p + " --set tcp tcpfin udp\n"
                + p + " --start-daemon {master|backup} [daemon-options]   (not in jlvs yet)\n"
                + p + " --stop-daemon {master|backup}                     (not in jlvs yet)\n"
                + p + " -h\n\n"
                + "Commands (long or short):\n"
                + "  --add-service     -A        add a virtual service\n"
                + "  --edit-service    -E        replace the settings of a virtual service\n"
                + "  --delete-service  -D        delete a virtual service and its real servers\n"
                + "  --clear           -C        delete all virtual services\n"
                + "  --restore         -R        read commands from standard input, one per line\n"
                + "  --save            -S        print the commands that rebuild the table\n"
                + "  --add-server      -a        add a real server\n"
                + "  --edit-server     -e        replace the settings of a real server\n"
                + "  --delete-server   -d        delete a real server\n"
                + "  --list            -L|-l     list the table\n"
                + "  --zero            -Z        zero the counters of one or all services\n"
                + "  --set tcp tcpfin udp        set the connection timeouts (seconds, 0 keeps)\n"
                + "  --start-daemon              start the connection sync daemon (not in jlvs yet)\n"
                + "  --stop-daemon               stop the connection sync daemon (not in jlvs yet)\n"
                + "  --help            -h        print this help\n"
                + "  --version         -v        print the version\n\n"
                + "virtual-service:\n"
                + "  --tcp-service|-t  address[:port]\n"
                + "  --udp-service|-u  address[:port]\n"
                + "  --sctp-service    address[:port]\n"
                + "  --fwmark-service|-f fwmark (an integer above zero)\n\n"
                + "Options:\n"
                + "  --ipv6         -6             fwmark service of IPv6 (not in jlvs yet)\n"
                + "  --scheduler    -s scheduler   rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh, default wlc\n"
                + "  --pe           engine         persistence engine\n"
                + "  --persistent   -p [timeout]   persistent service, default 360 seconds\n"
                + "  --netmask      -M netmask     persistence granularity\n"
                + "  --real-server  -r address[:port]\n"
                + "  --gatewaying   -g             direct routing (default)\n"
                + "  --ipip         -i             IPIP tunnelling\n"
                + "  --masquerading -m             NAT\n"
                + "  --tun-type     type           ipip|gue|gre, default ipip\n"
                + "  --tun-port     port           tunnel destination port\n"
                + "  --tun-nocsum | --tun-csum | --tun-remcsum   tunnel checksum\n"
                + "  --weight       -w weight      0..65535, default 1\n"
                + "  --u-threshold  -x uthreshold  upper connection threshold\n"
                + "  --l-threshold  -y lthreshold  lower connection threshold\n"
                + "  --connection   -c             list connections\n"
                + "  --timeout                     list the timeouts\n"
                + "  --daemon                      list the sync daemons (not in jlvs yet)\n"
                + "  --stats                       list statistics\n"
                + "  --rate                        list rates\n"
                + "  --exact                       print exact numbers\n"
                + "  --thresholds                  list thresholds\n"
                + "  --persistent-conn             list persistent connections\n"
                + "  --tun-info                    list tunnel information\n"
                + "  --nosort                      list in table order\n"
                + "  --sort                        the default, does nothing\n"
                + "  --ops          -o             one-packet scheduling (UDP)\n"
                + "  --numeric      -n             numeric output (names are never resolved)\n"
                + "  --sched-flags  -b flags       scheduler flags, comma-separated\n\n"
                + "jlvs's own (not in ipvsadm):\n"
                + "  --reload                      re-read jlvsd's service file and apply it\n"
                + "  --save-yaml [FILE]            the running set as a service file, on stdout or into FILE\n"
                + "  --socket PATH                 jlvsd's control socket (else $JLVS_CONTROL_SOCKET, else "
                + GlobalSettings.DEFAULT_CONTROL_SOCKET + ")\n"
                + "  -h, --help, -v, --version and malformed commands are answered without jlvsd\n";
    }

    /**
     * The number column of ipvsadm ({@code print_largenum}): below 10^8 the number in 9
     * columns; above, 8 columns and a K, M, G or T unit (values divided by 10^3, 10^6,
     * 10^9, 10^12 from 10^8, 10^9, 10^11, 10^14 up). With {@code --exact} the whole number,
     * in 9 columns or its length plus one. The value is unsigned.
     */
    public static String largeNumber(long value, boolean exact) {
        String digits = Long.toUnsignedString(value);
        if (exact) {
            return right(digits, digits.length() <= 8 ? 9 : digits.length() + 1);
        }
        if (Long.compareUnsigned(value, 100_000_000L) < 0) {
            return right(digits, 9);
        }
        if (Long.compareUnsigned(value, 1_000_000_000L) < 0) {
            return right(Long.toUnsignedString(Long.divideUnsigned(value, 1_000L)), 8) + "K";
        }
        if (Long.compareUnsigned(value, 100_000_000_000L) < 0) {
            return right(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000L)), 8) + "M";
        }
        if (Long.compareUnsigned(value, 100_000_000_000_000L) < 0) {
            return right(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000_000L)), 8) + "G";
        }
        return right(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000_000_000L)), 8) + "T";
    }

    private static void title(StringBuilder out, ListFormat format) {
        String prot = left("Prot LocalAddress:Port", 33);
        if (format.stats()) {
            out.append(prot).append(columns8("Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"))
                    .append("\n  -> RemoteAddress:Port\n");
        } else if (format.rate()) {
            out.append(prot).append(columns8("CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"))
                    .append("\n  -> RemoteAddress:Port\n");
        } else if (format.thresholds()) {
            out.append(prot).append(' ').append(left("Uthreshold", 10)).append(' ').append(left("Lthreshold", 10))
                    .append(' ').append(left("ActiveConn", 10)).append(' ').append(left("InActConn", 10))
                    .append("\n  -> RemoteAddress:Port\n");
        } else if (format.persistentConn()) {
            out.append(prot).append(' ').append(left("Weight", 9)).append(' ').append(left("PersistConn", 11))
                    .append(' ').append(left("ActiveConn", 10)).append(' ').append(left("InActConn", 10))
                    .append("\n  -> RemoteAddress:Port\n");
        } else if (format.tunnelInfo()) {
            out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
        } else {
            out.append("Prot LocalAddress:Port Scheduler Flags\n")
                    .append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
    }

    private static String columns8(String... names) {
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append(' ').append(right(name, 8));
        }
        return out.toString();
    }

    /** The service column: {@code "%-4s %s"} cut to 33 characters, or {@code FWM  <mark>}. */
    private static String serviceName(ServiceRef service) {
        if (service.isFwmark()) {
            return "FWM  " + Integer.toUnsignedString(service.fwmark());
        }
        String name = left(service.protocol().listName(), 4) + " " + service.endpoint();
        return name.length() > 33 ? name.substring(0, 33) : name;
    }

    private static void entry(StringBuilder out, ServiceView view, ListFormat format) {
        String name = serviceName(view.service());
        ServiceOptions options = view.options();
        StatsView stats = view.stats();
        if (format.stats()) {
            out.append(left(name, 33)).append(numbers(format.exact(), stats.conns(), stats.inPkts(), stats.outPkts(),
                    stats.inBytes(), stats.outBytes()));
        } else if (format.rate()) {
            out.append(left(name, 33)).append(numbers(format.exact(), stats.cps(), stats.inPps(), stats.outPps(),
                    stats.inBps(), stats.outBps()));
        } else {
            out.append(name).append(' ').append(options.scheduler());
            if ((options.schedulerFlags() & SchedulerFlag.MASK) != 0) {
                out.append(" (").append(schedulerFlagNames(options)).append(')');
            }
            if (options.isPersistent()) {
                out.append(" persistent ").append(options.persistenceSeconds());
                if (options.netmask() != Persistence.DEFAULT_NETMASK) {
                    out.append(" mask ").append(Ipv4.format(options.netmask()));
                }
                if (!options.persistenceEngine().isEmpty()) {
                    out.append(" pe ").append(options.persistenceEngine());
                }
            }
            if (options.onePacket()) {
                out.append(" ops");
            }
        }
        out.append('\n');
        for (DestView dest : format.noSort() ? view.dests() : AdmSort.dests(view.dests())) {
            destLine(out, dest, format);
        }
    }

    private static void destLine(StringBuilder out, DestView dest, ListFormat format) {
        ServerOptions server = dest.server();
        String name = server.endpoint();
        name = "  -> " + left(name.length() > 28 ? name.substring(0, 28) : name, 28);
        StatsView stats = dest.stats();
        String active = Integer.toUnsignedString(dest.activeConns());
        String inactive = Integer.toUnsignedString(dest.inactConns());
        if (format.stats()) {
            out.append(name).append(numbers(format.exact(), stats.conns(), stats.inPkts(), stats.outPkts(),
                    stats.inBytes(), stats.outBytes()));
        } else if (format.rate()) {
            out.append(name).append(' ').append(right(Long.toUnsignedString(stats.cps()), 8))
                    .append(' ').append(right(Long.toUnsignedString(stats.inPps()), 8))
                    .append(' ').append(right(Long.toUnsignedString(stats.outPps()), 8))
                    .append(numbers(format.exact(), stats.inBps(), stats.outBps()));
        } else if (format.thresholds()) {
            out.append(name).append(' ').append(left(Integer.toUnsignedString(server.upperThreshold()), 10))
                    .append(' ').append(left(Integer.toUnsignedString(server.lowerThreshold()), 10))
                    .append(' ').append(left(active, 10)).append(' ').append(left(inactive, 10));
        } else if (format.persistentConn()) {
            out.append(name).append(' ').append(left(Integer.toString(server.weight()), 9))
                    .append(' ').append(left(Integer.toUnsignedString(dest.persistConns()), 11))
                    .append(' ').append(left(active, 10)).append(' ').append(left(inactive, 10));
        } else if (format.tunnelInfo()) {
            out.append(name).append(' ').append(left(server.method().listName(), 7))
                    .append(' ').append(left(tunnelInfo(server), 13))
                    .append(' ').append(left(Integer.toString(server.weight()), 6))
                    .append(' ').append(left(active, 10)).append(' ').append(left(inactive, 10));
        } else {
            out.append(name).append(' ').append(left(server.method().listName(), 7))
                    .append(' ').append(left(Integer.toString(server.weight()), 6))
                    .append(' ').append(left(active, 10)).append(' ').append(left(inactive, 10));
        }
        out.append('\n');
    }

    /** The TunnelInfo column: {@code ipip}, {@code gue:<port>:<csum>}, {@code gre:<csum>}, or {@code n/a}. */
    private static String tunnelInfo(ServerOptions server) {
        if (server.method() != ForwardingMethod.TUNNEL) {
            return "n/a";
        }
        return switch (server.tunnelType()) {
            case IPIP -> "ipip";
            case GUE -> "gue:" + server.tunnelPort() + ":" + server.tunnelChecksum().infoName();
            case GRE -> "gre:" + server.tunnelChecksum().infoName();
        };
    }

    private static void rules(StringBuilder out, ServiceView view) {
        ServiceOptions options = view.options();
        String selector = view.service().selector();
        out.append("-A ").append(selector).append(" -s ").append(options.scheduler());
        if (options.isPersistent()) {
            out.append(" -p ").append(options.persistenceSeconds());
            if (options.netmask() != Persistence.DEFAULT_NETMASK) {
                out.append(" -M ").append(Ipv4.format(options.netmask()));
            }
        }
        if (!options.persistenceEngine().isEmpty()) {
            out.append(" --pe ").append(options.persistenceEngine());
        }
        if (options.onePacket()) {
            out.append(" -o");
        }
        if ((options.schedulerFlags() & SchedulerFlag.MASK) != 0) {
            out.append(" -b ").append(schedulerFlagNames(options));
        }
        out.append('\n');
        for (DestView dest : AdmSort.dests(view.dests())) {
            ServerOptions server = dest.server();
            out.append("-a ").append(selector).append(" -r ").append(server.endpoint()).append(' ')
                    .append(methodSwitch(server.method())).append(" -w ").append(server.weight());
            if (server.method() == ForwardingMethod.TUNNEL) {
                out.append(" --tun-type ").append(server.tunnelType().typeName());
                switch (server.tunnelType()) {
                    case GUE -> out.append(" --tun-port ").append(server.tunnelPort()).append(' ')
                            .append(server.tunnelChecksum().option());
                    case GRE -> out.append(' ').append(server.tunnelChecksum().option());
                    case IPIP -> {
                        // ipip has no further options
                    }
                }
            }
            out.append('\n');
        }
    }

    private static String methodSwitch(ForwardingMethod method) {
        return switch (method) {
            case MASQ -> "-m";
            case TUNNEL -> "-i";
            case ROUTE, LOCAL -> "-g";
        };
    }

    /**
     * The flag names as ipvsadm prints them: sh-* for sh, mh-* for mh, flag-N for any other
     * scheduler; bits without a name for the scheduler (flag-3 with sh) are not printed.
     */
    static String schedulerFlagNames(ServiceOptions options) {
        int bits = options.schedulerFlags();
        StringBuilder names = new StringBuilder();
        switch (options.scheduler()) {
            case "sh" -> {
                appendFlag(names, bits, 0x08, "sh-fallback");
                appendFlag(names, bits, 0x10, "sh-port");
            }
            case "mh" -> {
                appendFlag(names, bits, 0x08, "mh-fallback");
                appendFlag(names, bits, 0x10, "mh-port");
            }
            default -> {
                appendFlag(names, bits, 0x08, "flag-1");
                appendFlag(names, bits, 0x10, "flag-2");
                appendFlag(names, bits, 0x20, "flag-3");
            }
        }
        return names.toString();
    }

    private static void appendFlag(StringBuilder names, int bits, int bit, String name) {
        if ((bits & bit) != 0) {
            if (!names.isEmpty()) {
                names.append(',');
            }
            names.append(name);
        }
    }

    private static String numbers(boolean exact, long... values) {
        StringBuilder out = new StringBuilder();
        for (long value : values) {
            out.append(largeNumber(value, exact));
        }
        return out.toString();
    }

    private static String endpoint(int address, int port) {
        return Ipv4.format(address) + ":" + port;
    }

    private static String twoDigits(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }

    /** {@code %-Ns}: padded on the right to at least {@code width}. */
    static String left(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** {@code %Ns}: padded on the left to at least {@code width}. */
    static String right(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }
}
