package io.jlvs.director.adm;

import io.jlvs.config.model.Persistence;
import io.jlvs.core.service.SchedulerFlag;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.sched.Schedulers;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Parses an ipvsadm 1.31 argument vector (without the program name) into an
 * {@link AdmCommand}, with ipvsadm's defaults, checks, order of checks and messages.
 *
 * <p>Why not picocli, the project's CLI library: ipvsadm's behaviour is that of popt plus
 * its own checks, and scripts depend on both. The first option must be the command and a
 * second command is an "invalid option"; the same option twice is refused by ipvsadm's
 * name for it ({@code multiple 'forwarding-method' options specified} for {@code -g -m});
 * {@code -p} takes the next word only when it does not start with {@code -}; {@code -r}
 * without a port copies the port of the service given <em>before</em> it; the legality of
 * each option is a per-command table; every failure has ipvsadm's exact text and exit
 * status (2, or 255 with "Try `ipvsadm -h'"). picocli would parse these words, but each of
 * these rules would then be undone in custom code after it, and its own messages mapped
 * back; a small scanner that reproduces popt ({@link OptionScanner}) is shorter and
 * checkable line by line against popt's rules. The jlvsadm command may still use picocli for its own options.
 *
 * <p>Scope: IPv4 only ({@code [v6]:port} and {@code -6} are refused); service names are
 * resolved as ipvsadm resolves them ({@link ServicePorts}: {@code 10.0.0.1:http} is port 80),
 * host names are not (a name is an illegal address, as when ipvsadm's lookup fails);
 * the sync daemon commands are recognised and refused; their options are accepted where
 * ipvsadm accepts them and ignored.
 */
public final class AdmParser {
    /** The program name ipvsadm's messages give; scripts grep for it. */
    public static final String IPVSADM = "ipvsadm";

    /** The version line of {@code ipvsadm -v} (IPVS-SEMANTICS §4.1). */
    public static final String VERSION = "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)";

    private static final int SCHED_NAME_MAX_CHARS = 15;
    private static final int TUN_CSUM_BIT = 1;
    private static final int TUN_REMCSUM_BIT = 2;

    private final String program;
    private final ServicePorts ports;

    /** A parser whose messages name the program {@code ipvsadm}, with ports from {@code /etc/services}. */
    public AdmParser() {
        this(IPVSADM);
    }

    /** A parser whose "Try `... -h'" line names the given program, with ports from {@code /etc/services}. */
    public AdmParser(String program) {
        this(program, ServicePorts.system());
    }

    /** A parser whose messages name the program {@code ipvsadm}, with service names looked up by {@code ports}. */
    public AdmParser(ServicePorts ports) {
        this(IPVSADM, ports);
    }

    private AdmParser(String program, ServicePorts ports) {
        this.program = program;
        this.ports = ports;
    }

    /** Parses a command line given as words. */
    public AdmResult parse(String... args) {
        return parse(Arrays.asList(args));
    }

    /** Parses a command line; no words at all is {@code -L}, as ipvsadm with no arguments. */
    public AdmResult parse(List<String> args) {
        if (args.isEmpty()) {
            return new AdmResult.Parsed(AdmCommand.of(AdmCommandKind.LIST, EnumSet.noneOf(AdmOption.class)));
        }
        return parse(args, false);
    }

    /** Parses one line of {@code -R} input; a nested {@code -R} is refused as ipvsadm does. */
    AdmResult parseRestoreLine(List<String> args) {
        return parse(args, true);
    }

    /** The "Try `ipvsadm -h' or 'ipvsadm --help' for more information." line. */
    public String tryHelp() {
        return "Try `" + program + " -h' or '" + program + " --help' for more information.";
    }

    private AdmResult parse(List<String> args, boolean restoring) {
        try {
            return new AdmResult.Parsed(new Run(args, restoring).command());
        } catch (Failure failure) {
            return new AdmResult.Failed(failure.getMessage(), failure.exitCode);
        }
    }

    /** A refusal on its way out of the parse. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Failure(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    private static Failure fail(String message) {
        return new Failure(message, AdmResult.EXIT_BAD_OPTION);
    }

    /** The state of one parse, as ipvsadm's command entry and option bits. */
    private final class Run {
        private final OptionScanner scanner;
        private final boolean restoring;
        private final EnumSet<AdmOption> options = EnumSet.noneOf(AdmOption.class);
        private AdmCommandKind kind;
        private Protocol protocol = Protocol.TCP;
        private int address;
        private int port;
        private int fwmark;
        private String scheduler = "";
        private int persistenceSeconds;
        private int netmask = Persistence.DEFAULT_NETMASK;
        private String persistenceEngine = "";
        private boolean onePacket;
        private String schedFlagsText = "";
        private int serverAddress;
        private int serverPort;
        private ForwardingMethod method = ForwardingMethod.ROUTE;
        private int weight = ServerOptions.DEFAULT_WEIGHT;
        private int upperThreshold;
        private int lowerThreshold;
        private TunnelType tunnelType = TunnelType.IPIP;
        private int tunnelPort;
        private int tunnelFlags;
        private TimeoutValues timeouts;

        Run(List<String> args, boolean restoring) {
            this.scanner = new OptionScanner(args);
            this.restoring = restoring;
        }

        AdmCommand command() throws Failure {
            OptionScanner.Match first;
            try {
                first = scanner.next();
            } catch (OptionScanner.SyntaxError e) {
                throw tryHelpFailure();
            }
            if (first == null) {
                throw tryHelpFailure();
            }
            kind = commandOf(first);
            if (kind == AdmCommandKind.HELP || kind == AdmCommandKind.VERSION) {
                return AdmCommand.of(kind, options);
            }
            try {
                for (OptionScanner.Match match = scanner.next(); match != null; match = scanner.next()) {
                    option(match);
                }
            } catch (OptionScanner.SyntaxError e) {
                throw new Failure(e.getMessage(), AdmResult.EXIT_TRY_HELP);
            }
            List<String> leftovers = scanner.leftovers();
            int used = 0;
            if (kind == AdmCommandKind.SET_TIMEOUTS) {
                if (leftovers.size() < 3) {
                    throw fail("--set option requires 3 timeout values");
                }
                timeouts = new TimeoutValues(timeout(leftovers.get(0), 0), timeout(leftovers.get(1), 0),
                        timeout(leftovers.get(2), 0));
                used = 3;
            }
            if (leftovers.size() > used) {
                throw fail("unexpected argument " + leftovers.get(used));
            }
            int schedulerFlags = schedFlagsText.isEmpty() ? 0 : schedulerFlags();
            checkLegality();
            if (kind == AdmCommandKind.RESTORE && restoring) {
                throw tryHelpFailure();
            }
            if (kind == AdmCommandKind.ADD_SERVICE || kind == AdmCommandKind.EDIT_SERVICE) {
                if (fwmark == 0 && port == 0 && persistenceSeconds == 0) {
                    throw fail("Zero port specified for non-persistent service");
                }
                if (onePacket && fwmark == 0 && protocol != Protocol.UDP) {
                    throw fail("One-Packet Scheduling is only for UDP virtual services");
                }
            }
            if (kind == AdmCommandKind.ADD_SERVER || kind == AdmCommandKind.EDIT_SERVER) {
                if (fwmark == 0 && (method == ForwardingMethod.TUNNEL || method == ForwardingMethod.ROUTE)) {
                    serverPort = port;
                }
                if (method != ForwardingMethod.TUNNEL && hasAny(AdmOption.TUN_TYPE, AdmOption.TUN_PORT,
                        AdmOption.TUN_NOCSUM, AdmOption.TUN_CSUM, AdmOption.TUN_REMCSUM)) {
                    throw fail("Tunnel options conflict with forward method");
                }
                checkTunnelOptions();
            }
            if (kind == AdmCommandKind.LIST
                    && (hasAny(AdmOption.CONNECTION, AdmOption.TIMEOUT, AdmOption.DAEMON)
                            && hasAny(AdmOption.STATS, AdmOption.RATE, AdmOption.THRESHOLDS)
                        || hasAny(AdmOption.TIMEOUT, AdmOption.DAEMON) && options.contains(AdmOption.PERSISTENT_CONN))) {
                throw fail("options conflicts in the list command");
            }
            return build(schedulerFlags);
        }

        private AdmCommand build(int schedulerFlags) {
            Optional<ServiceRef> service = Optional.empty();
            if (options.contains(AdmOption.SERVICE)) {
                service = Optional.of(fwmark != 0 ? ServiceRef.ofMark(fwmark) : ServiceRef.of(protocol, address, port));
            }
            ServiceOptions serviceOptions = new ServiceOptions(scheduler.isEmpty() ? Schedulers.DEFAULT : scheduler,
                    schedulerFlags, persistenceSeconds, netmask, persistenceEngine, onePacket);
            Optional<ServerOptions> server = Optional.empty();
            if (options.contains(AdmOption.SERVER)) {
                TunnelChecksum checksum = (tunnelFlags & TUN_REMCSUM_BIT) != 0 ? TunnelChecksum.REMCSUM
                        : (tunnelFlags & TUN_CSUM_BIT) != 0 ? TunnelChecksum.CSUM : TunnelChecksum.NOCSUM;
                server = Optional.of(new ServerOptions(serverAddress, serverPort, method, weight, upperThreshold,
                        lowerThreshold, tunnelType, tunnelPort, checksum));
            }
            return new AdmCommand(kind, options, service, serviceOptions, server, Optional.ofNullable(timeouts));
        }

        private Failure tryHelpFailure() {
            return new Failure(tryHelp(), AdmResult.EXIT_TRY_HELP);
        }

        private AdmCommandKind commandOf(OptionScanner.Match match) throws Failure {
            return switch (match.tag()) {
                case ADD_SERVICE -> AdmCommandKind.ADD_SERVICE;
                case EDIT_SERVICE -> AdmCommandKind.EDIT_SERVICE;
                case DELETE_SERVICE -> AdmCommandKind.DELETE_SERVICE;
                case ADD_SERVER -> AdmCommandKind.ADD_SERVER;
                case EDIT_SERVER -> AdmCommandKind.EDIT_SERVER;
                case DELETE_SERVER -> AdmCommandKind.DELETE_SERVER;
                case CLEAR -> AdmCommandKind.FLUSH;
                case LIST, LIST_LOWER -> AdmCommandKind.LIST;
                case ZERO -> AdmCommandKind.ZERO;
                case SET -> AdmCommandKind.SET_TIMEOUTS;
                case RESTORE -> AdmCommandKind.RESTORE;
                case SAVE -> AdmCommandKind.SAVE;
                case HELP -> AdmCommandKind.HELP;
                case VERSION -> AdmCommandKind.VERSION;
                case START_DAEMON -> throw daemon(match.value(), "illegal start-daemon parameter specified");
                case STOP_DAEMON -> throw daemon(match.value(), "illegal start_daemon specified");
                default -> throw tryHelpFailure();
            };
        }

        private Failure daemon(String state, String illegal) {
            if (!state.equals("master") && !state.equals("backup")) {
                return fail(illegal);
            }
            return fail("the connection synchronisation daemon is not supported by jlvs");
        }

        private void option(OptionScanner.Match match) throws Failure {
            String value = match.value();
            switch (match.tag()) {
                case TCP_SERVICE, UDP_SERVICE, SCTP_SERVICE -> {
                    set(AdmOption.SERVICE);
                    protocol = switch (match.tag()) {
                        case UDP_SERVICE -> Protocol.UDP;
                        case SCTP_SERVICE -> Protocol.SCTP;
                        default -> Protocol.TCP;
                    };
                    HostPort parsed = hostPort(value, protocol);
                    if (parsed == null) {
                        throw fail(isIpv6(value) ? IPV6_NOT_YET + "virtual server address " + value
                                : "illegal virtual server address[:port] specified");
                    }
                    address = parsed.address();
                    if (parsed.port() >= 0) {
                        port = parsed.port();
                    }
                }
                case FWMARK_SERVICE -> {
                    set(AdmOption.SERVICE);
                    protocol = Protocol.TCP;
                    Long mark = cLong(value);
                    if (mark == null || mark <= 0 || mark > 0xFFFF_FFFFL) {
                        throw fail("invalid fwmark value `" + value + "' specified");
                    }
                    fwmark = (int) (long) mark;
                }
                case SCHEDULER -> {
                    set(AdmOption.SCHEDULER);
                    scheduler = value.length() > SCHED_NAME_MAX_CHARS ? value.substring(0, SCHED_NAME_MAX_CHARS) : value;
                }
                case PERSISTENT -> {
                    set(AdmOption.PERSISTENT);
                    persistenceSeconds = value == null ? Persistence.DEFAULT_TIMEOUT_SECONDS : timeout(value, 1);
                }
                case NETMASK -> {
                    set(AdmOption.NETMASK);
                    if (!Ipv4.isValid(value)) {
                        throw fail("illegal virtual server persistent mask specified");
                    }
                    netmask = Ipv4.parse(value);
                }
                case REAL_SERVER -> {
                    set(AdmOption.SERVER);
                    HostPort parsed = hostPort(value, protocol);
                    if (parsed == null) {
                        throw fail(isIpv6(value) ? IPV6_NOT_YET + "real server address " + value
                                : "illegal real server address[:port] specified");
                    }
                    serverAddress = parsed.address();
                    serverPort = parsed.port() >= 0 ? parsed.port() : port;
                }
                case MASQUERADING -> forward(ForwardingMethod.MASQ);
                case IPIP -> forward(ForwardingMethod.TUNNEL);
                case GATEWAYING -> forward(ForwardingMethod.ROUTE);
                case WEIGHT -> {
                    set(AdmOption.WEIGHT);
                    weight = number(value, 0, 0xFFFF, "illegal weight specified");
                }
                case U_THRESHOLD -> {
                    set(AdmOption.U_THRESHOLD);
                    upperThreshold = number(value, 0, Integer.MAX_VALUE, "illegal u_threshold specified");
                }
                case L_THRESHOLD -> {
                    set(AdmOption.L_THRESHOLD);
                    lowerThreshold = number(value, 0, Integer.MAX_VALUE, "illegal l_threshold specified");
                }
                case CONNECTION -> set(AdmOption.CONNECTION);
                case NUMERIC -> set(AdmOption.NUMERIC);
                case MCAST_INTERFACE -> set(AdmOption.MCAST_INTERFACE);
                case SYNCID -> {
                    set(AdmOption.SYNCID);
                    number(value, 0, 255, "illegal syncid specified");
                }
                case TIMEOUT -> set(AdmOption.TIMEOUT);
                case DAEMON -> set(AdmOption.DAEMON);
                case STATS -> set(AdmOption.STATS);
                case RATE -> set(AdmOption.RATE);
                case THRESHOLDS -> set(AdmOption.THRESHOLDS);
                case PERSISTENT_CONN -> set(AdmOption.PERSISTENT_CONN);
                case NOSORT -> set(AdmOption.NOSORT);
                case SORT -> {
                    // --sort is the default; ipvsadm accepts it, even twice, and does nothing
                }
                case EXACT -> set(AdmOption.EXACT);
                case IPV6 -> throw fail(fwmark != 0 ? IPV6_NOT_YET + "fwmark service " + fwmark + " with -6" : "-6 used before -f\n");
                case OPS -> {
                    set(AdmOption.ONE_PACKET);
                    onePacket = true;
                }
                case PE -> {
                    set(AdmOption.PERSISTENCE_ENGINE);
                    persistenceEngine = value;
                }
                case SCHED_FLAGS -> {
                    set(AdmOption.SCHED_FLAGS);
                    schedFlagsText = value;
                }
                case MCAST_GROUP -> {
                    set(AdmOption.MCAST_GROUP);
                    checkMulticastGroup(value);
                }
                case MCAST_PORT -> {
                    set(AdmOption.MCAST_PORT);
                    number(value, 1, 0xFFFF, "illegal mcast-port specified");
                }
                case MCAST_TTL -> {
                    set(AdmOption.MCAST_TTL);
                    number(value, 1, 255, "illegal mcast-ttl specified");
                }
                case SYNC_MAXLEN -> {
                    set(AdmOption.SYNC_MAXLEN);
                    number(value, 1, 0xFFFF - 20 - 8, "illegal sync-maxlen specified");
                }
                case TUN_INFO -> set(AdmOption.TUN_INFO);
                case TUN_TYPE -> {
                    set(AdmOption.TUN_TYPE);
                    tunnelType = TunnelType.ofName(value);
                    if (tunnelType == null) {
                        throw fail("illegal tunnel type specified");
                    }
                }
                case TUN_PORT -> {
                    set(AdmOption.TUN_PORT);
                    tunnelPort = number(value, 1, 0xFFFF, "illegal tunnel port specified");
                }
                case TUN_NOCSUM -> set(AdmOption.TUN_NOCSUM);
                case TUN_CSUM -> {
                    set(AdmOption.TUN_CSUM);
                    tunnelFlags |= TUN_CSUM_BIT;
                }
                case TUN_REMCSUM -> {
                    set(AdmOption.TUN_REMCSUM);
                    tunnelFlags |= TUN_REMCSUM_BIT;
                }
                default -> throw fail("invalid option `" + match.word() + "'");
            }
        }

        /**
         * ipvsadm's check of {@code --mcast-group}: an IPv4 address in 224.0.0.0/4, or (when
         * it has a colon) an IPv6 address in ff00::/8, judged here by its first two digits.
         */
        private void checkMulticastGroup(String value) throws Failure {
            if (value.indexOf(':') >= 0) {
                if (!value.regionMatches(true, 0, "ff", 0, 2)) {
                    throw fail("invalid IPv6 mcast-group `" + value + "'");
                }
            } else if (!Ipv4.isValid(value) || (Ipv4.parse(value) >>> 28) != 0xE) {
                throw fail("invalid IPv4 mcast-group `" + value + "'");
            }
        }

        private void forward(ForwardingMethod newMethod) throws Failure {
            set(AdmOption.FORWARD);
            method = newMethod;
        }

        private void set(AdmOption option) throws Failure {
            if (!options.add(option)) {
                throw fail("multiple '" + option.optionName() + "' options specified");
            }
        }

        private boolean hasAny(AdmOption... any) {
            for (AdmOption option : any) {
                if (options.contains(option)) {
                    return true;
                }
            }
            return false;
        }

        private int timeout(String text, int min) throws Failure {
            Long value = cLong(text);
            if (value == null || value < min || value > TimeoutValues.MAX_SECONDS) {
                throw fail("invalid timeout value `" + text + "' specified");
            }
            return (int) (long) value;
        }

        private int schedulerFlags() throws Failure {
            String name = scheduler.isEmpty() ? Schedulers.DEFAULT : scheduler;
            int bits = 0;
            boolean any = false;
            for (String flagName : schedFlagsText.split(",")) {
                if (flagName.isEmpty()) {
                    continue;
                }
                any = true;
                SchedulerFlag flag = SchedulerFlag.ofName(flagName);
                if (flag == null) {
                    throw fail("invalid scheduler flag `" + flagName + "'");
                }
                bits |= flag.bit();
                if (!flag.appliesTo(name)) {
                    throw fail("incompatible scheduler flag `" + flagName + "'");
                }
            }
            if (!any) {
                throw fail("invalid scheduler flag `" + schedFlagsText + "'");
            }
            return bits;
        }

        private void checkLegality() throws Failure {
            AdmOption[] columns = AdmOption.values();
            StringBuilder row = new StringBuilder();
            for (AdmOption option : columns) {
                row.append(kind.legality(option));
            }
            checkTable(row.toString(), columns, "'" + kind.commandName() + "' command");
        }

        /** The tunnel-type table of ipvsadm: ipip takes no tunnel option, gue needs a port, gre no port or remcsum. */
        private void checkTunnelOptions() throws Failure {
            String row = switch (tunnelType) {
                case IPIP -> "xxxx";
                case GUE -> "+111";
                case GRE -> "x11x";
            };
            AdmOption[] columns = {AdmOption.TUN_PORT, AdmOption.TUN_NOCSUM, AdmOption.TUN_CSUM, AdmOption.TUN_REMCSUM};
            checkTable(row, columns, "'" + tunnelType.typeName() + "' tunnel type");
        }

        /**
         * One row of an ipvsadm legality table: {@code +} required, {@code x} illegal,
         * {@code 1} at most one of those so marked, space optional.
         */
        private void checkTable(String row, AdmOption[] columns, String subject) throws Failure {
            AdmOption exclusive = null;
            for (int i = 0; i < columns.length; i++) {
                AdmOption option = columns[i];
                char mark = row.charAt(i);
                if (!options.contains(option)) {
                    if (mark == '+') {
                        throw fail("You need to supply the '" + option.optionName() + "' option for the " + subject);
                    }
                } else if (mark == 'x') {
                    throw fail("Illegal '" + option.optionName() + "' option with the " + subject);
                } else if (mark == '1') {
                    if (exclusive != null) {
                        throw fail("The option '" + option.optionName() + "' conflicts with the '"
                                + exclusive.optionName() + "' option in the " + subject);
                    }
                    exclusive = option;
                }
            }
        }
    }

    private static int number(String text, int min, int max, String message) throws Failure {
        Long value = cLong(text);
        if (value == null || value < min || value > max) {
            throw fail(message);
        }
        return (int) (long) value;
    }

    /**
     * An {@code address[:port]} argument.
     *
     * @param address IPv4 address, host byte order
     * @param port    0..65535, host byte order, or -1 when none was written
     */
    private record HostPort(int address, int port) {
    }

    /** How an IPv6 address is refused until jlvs balances IPv6 (ipvsadm takes it). */
    public static final String IPV6_NOT_YET = "IPv6 is not supported yet (jlvs balances IPv4 only): ";

    /** Whether {@code text} is written as an IPv6 address ({@code [2001:db8::1]:80} or two colons). */
    private static boolean isIpv6(String text) {
        return text.startsWith("[") || text.indexOf(':') != text.lastIndexOf(':');
    }

    /**
     * {@code address[:port]} as ipvsadm's parse_service reads it, IPv4 only, the port a number
     * or a service name of {@code protocol}; {@code null} when it is not legal (all digits,
     * bracketed IPv6, an unresolved host name, a bad or unknown port).
     */
    private HostPort hostPort(String text, Protocol protocol) {
        if (isAllDigits(text) || text.startsWith("[")) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        int address;
        try {
            address = Ipv4.parseInetAton(host);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int portValue = -1;
        if (colon >= 0) {
            portValue = ports.parse(text.substring(colon + 1), protocol);
            if (portValue < 0) {
                return null;
            }
        }
        return new HostPort(address, portValue);
    }

    private static boolean isAllDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A decimal number as C's {@code strtol(s, &end, 10)} with {@code *end == '\0'} reads it:
     * leading white space and a sign allowed, at least one digit, nothing after; {@code null}
     * otherwise or on overflow.
     */
    static Long cLong(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && " \t\n\u000B\f\r".indexOf(text.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        if (i == n) {
            return null;
        }
        long value = 0;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                return null;
            }
            value = value * 10 + (c - '0');
        }
        return negative ? -value : value;
    }
}
