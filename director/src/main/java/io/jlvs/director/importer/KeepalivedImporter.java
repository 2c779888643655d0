package io.jlvs.director.importer;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.director.importer.KeepalivedConfig.Statement;
import io.jlvs.sched.Schedulers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Translates the LVS part of a keepalived.conf ({@code virtual_server} blocks) into a
 * {@link ServiceFile}. What maps: the service ({@code IP PORT} or {@code fwmark N}),
 * {@code lb_algo}/{@code lvs_sched}, {@code lb_kind}/{@code lvs_method} (service or real
 * server), {@code protocol}, {@code persistence_timeout}, {@code persistence_granularity},
 * {@code real_server IP PORT} with {@code weight}, {@code uthreshold}, {@code lthreshold},
 * {@code inhibit_on_failure}, and the first {@code TCP_CHECK} or {@code HTTP_GET} of each real
 * server with {@code delay_loop}, {@code connect_timeout}, {@code connect_port},
 * {@code retry}/{@code nb_get_retry} and the first {@code url}'s {@code path} and
 * {@code status_code}. Everything else inside a {@code virtual_server} is named in a note with
 * its line; VRRP and global sections are skipped with one remark; {@code include} is not
 * followed (a note says so). Values that make no sense (a bad address, a real server without a
 * port, an unknown {@code lb_kind}) are errors and nothing is translated.
 *
 * <p>keepalived's defaults, from its sources ({@code check_data.c}, {@code check_api.c}): a
 * virtual server checks every {@code delay_loop} = 60 s ({@code KEEPALIVED_DEFAULT_DELAY});
 * {@code connect_timeout} is 5 s; a TCP_CHECK or HTTP_GET has {@code retry} 1 and
 * {@code delay_before_retry} 1 s; the scheduler is {@code wlc}; the forwarding method NAT; a
 * service without {@code protocol} is UDP (the kernel's reading of protocol 0); the weight 1;
 * {@code persistence_granularity} 255.255.255.255. A failing check is retried
 * {@code retry} times before the server goes down, so it goes down after {@code retry + 1}
 * failures in a row: jlvs's {@code retries}. It comes back on its first good check
 * ({@code rise} 1). Without {@code inhibit_on_failure} a down server is removed from the
 * service; with it, its weight is set to 0 (quiesce).
 */
public final class KeepalivedImporter {
    /** keepalived's {@code delay_loop} when none is given (KEEPALIVED_DEFAULT_DELAY), ms. */
    public static final long DEFAULT_DELAY_LOOP_MS = 60_000;
    /** keepalived's {@code connect_timeout} when none is given, ms. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
    /** keepalived's {@code retry} (and {@code nb_get_retry}) of TCP_CHECK and HTTP_GET when none is given. */
    public static final int DEFAULT_RETRY = 1;
    /** keepalived's {@code delay_before_retry} of TCP_CHECK and HTTP_GET when none is given, ms. */
    public static final long DEFAULT_DELAY_BEFORE_RETRY_MS = 1_000;

    /** Top-level sections of keepalived that are not about LVS. */
    private static final Set<String> NOT_LVS = Set.of("global_defs", "vrrp_instance", "vrrp_sync_group",
            "vrrp_script", "vrrp_track_process", "vrrp_track_file", "track_file", "static_ipaddress", "static_routes",
            "static_rules", "static_track_group", "garp_group", "bfd_instance", "linkbeat_use_polling",
            "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "instance", "use_pid_dir",
            "child_wait_time", "vrrp_garp_interval", "vrrp_gna_interval");
    /** Checkers jlvs has no counterpart for. */
    private static final Set<String> OTHER_CHECKERS = Set.of("SSL_GET", "MISC_CHECK", "DNS_CHECK", "SMTP_CHECK",
            "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK");

    private final String fileName;
    private final GlobalSettings global;
    private final List<String> errors = new ArrayList<>();
    private final List<Note> notes = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();

    private KeepalivedImporter(String fileName, GlobalSettings global) {
        this.fileName = fileName;
        this.global = global;
    }

    /**
     * Translates a keepalived.conf.
     *
     * @param text     the file's text
     * @param fileName the name messages give the file ({@code keepalived.conf})
     * @param global   the global settings of the file produced (keepalived has none of jlvs's)
     */
    public static ImportResult translate(String text, String fileName, GlobalSettings global) {
        return new KeepalivedImporter(fileName, global).run(text);
    }

    /** An error that stops the translation of the whole file. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private ImportResult run(String text) {
        List<Statement> statements;
        try {
            statements = KeepalivedConfig.parse(text, fileName);
        } catch (KeepalivedSyntaxException e) {
            return ImportResult.failed(List.of(e.getMessage()), List.of());
        }
        List<ServiceSpec> services = new ArrayList<>();
        List<String> vrrpSections = new ArrayList<>();
        int firstVrrpLine = 0;
        for (Statement statement : statements) {
            String keyword = statement.keyword();
            try {
                if (keyword.equals("virtual_server")) {
                    virtualServer(statement).ifPresent(service -> add(services, service, statement));
                } else if (NOT_LVS.contains(keyword)) {
                    if (!vrrpSections.contains(keyword)) {
                        vrrpSections.add(keyword);
                    }
                    firstVrrpLine = firstVrrpLine == 0 ? statement.line() : firstVrrpLine;
                } else if (keyword.equals("include")) {
                    note(statement, "include " + String.join(" ", statement.args())
                            + " is not followed; import that file on its own");
                } else {
                    note(statement, keyword + " is not translated");
                }
            } catch (Refusal refusal) {
                errors.add(refusal.getMessage());
            }
        }
        if (!vrrpSections.isEmpty()) {
            infos.add(fileName + ":" + firstVrrpLine + ": " + String.join(", ", vrrpSections)
                    + ": VRRP and global sections are not part of jlvs; ignored");
        }
        if (!errors.isEmpty()) {
            return ImportResult.failed(errors, sortedNotes());
        }
        return new ImportResult(Optional.of(new ServiceFile(global, services)), errors, sortedNotes(), infos);
    }

    private void add(List<ServiceSpec> services, ServiceSpec service, Statement statement) {
        for (ServiceSpec existing : services) {
            if (existing.key().equals(service.key())) {
                note(statement, "virtual_server " + service.key() + " is defined twice; the second is left out");
                return;
            }
        }
        services.add(service);
    }

    /** Check settings given at service or real-server level, inherited by the checkers below. */
    private record CheckDefaults(Long delayLoopMs, Long connectTimeoutMs, Integer retry, Boolean inhibit) {
        CheckDefaults over(CheckDefaults outer) {
            return new CheckDefaults(delayLoopMs != null ? delayLoopMs : outer.delayLoopMs,
                    connectTimeoutMs != null ? connectTimeoutMs : outer.connectTimeoutMs,
                    retry != null ? retry : outer.retry, inhibit != null ? inhibit : outer.inhibit);
        }
    }

    private Optional<ServiceSpec> virtualServer(Statement vs) throws Refusal {
        String first = vs.arg(0);
        if (first == null) {
            throw refusal(vs, "virtual_server needs an address and a port, or fwmark N");
        }
        if (first.equals("group")) {
            note(vs, "virtual_server group " + vs.arg(1) + " is not translated (virtual_server_group is not"
                    + " supported); service left out");
            return Optional.empty();
        }
        boolean isFwmark = first.equals("fwmark");
        int mark = 0;
        int vip = 0;
        int port = 0;
        if (isFwmark) {
            mark = (int) unsignedMark(vs, vs.arg(1));
        } else {
            if (first.contains(":")) {
                note(vs, "virtual_server " + first + ": IPv6 is not supported; service left out");
                return Optional.empty();
            }
            vip = address(vs, first, "virtual_server address");
            if (vs.arg(1) == null) {
                throw refusal(vs, "virtual_server " + first + " has no port; expected virtual_server ADDRESS PORT");
            }
            port = port(vs, vs.arg(1), "virtual_server port");
        }
        String scheduler = Schedulers.DEFAULT;
        ForwardingMethod method = null;
        Protocol protocol = null;
        int persistenceSeconds = 0;
        boolean hasPersistence = false;
        int netmask = Persistence.DEFAULT_NETMASK;
        Statement granularity = null;
        boolean leaveOut = false;
        Long delayLoop = null;
        Long connectTimeout = null;
        Integer retry = null;
        Boolean inhibit = null;
        int defaultWeight = RealServerSpec.DEFAULT_WEIGHT;
        List<Statement> realServers = new ArrayList<>();
        for (Statement s : vs.block()) {
            switch (s.keyword()) {
                case "delay_loop" -> delayLoop = millis(s);
                case "lb_algo", "lvs_sched" -> scheduler = scheduler(s);
                case "lb_kind", "lvs_method" -> {
                    Optional<ForwardingMethod> m = method(s);
                    if (m.isEmpty()) {
                        leaveOut = true;
                    }
                    method = m.orElse(null);
                }
                case "protocol" -> {
                    String p = value(s).toUpperCase(Locale.ROOT);
                    switch (p) {
                        case "TCP" -> protocol = Protocol.TCP;
                        case "UDP" -> protocol = Protocol.UDP;
                        case "SCTP" -> {
                            note(s, "protocol SCTP is not supported; service left out");
                            leaveOut = true;
                        }
                        default -> throw refusal(s, "protocol must be TCP, UDP or SCTP, was '" + s.arg(0) + "'");
                    }
                }
                case "persistence_timeout" -> {
                    hasPersistence = true;
                    persistenceSeconds = s.arg(0) == null ? Persistence.DEFAULT_TIMEOUT_SECONDS
                            : integer(s, 0, Persistence.MAX_TIMEOUT_SECONDS);
                }
                case "persistence_granularity" -> {
                    granularity = s;
                    netmask = address(s, value(s), "persistence_granularity");
                    if (!Persistence.isContiguous(netmask)) {
                        throw refusal(s, "persistence_granularity " + s.arg(0) + " is not a contiguous netmask");
                    }
                }
                case "real_server" -> realServers.add(s);
                case "inhibit_on_failure" -> inhibit = flag(s);
                case "connect_timeout" -> connectTimeout = millis(s);
                case "retry" -> retry = integer(s, 0, Integer.MAX_VALUE);
                case "weight" -> defaultWeight = integer(s, 0, RealServerSpec.MAX_WEIGHT);
                default -> note(s, s.keyword() + " is not translated");
            }
        }
        if (leaveOut) {
            return Optional.empty();
        }
        if (hasPersistence && persistenceSeconds == 0) {
            hasPersistence = false;
        }
        if (granularity != null && !hasPersistence) {
            note(granularity, "persistence_granularity without persistence_timeout has no effect; ignored");
        }
        ServiceKey key;
        if (isFwmark) {
            key = new ServiceKey.Mark(mark);
            if (protocol != null) {
                note(vs, "protocol is ignored for a fwmark service (as keepalived ignores it)");
            }
        } else {
            if (protocol == null) {
                note(vs, "virtual_server " + first + " " + port + " has no protocol; keepalived (and the kernel)"
                        + " make it UDP, so it is UDP here too");
                protocol = Protocol.UDP;
            }
            key = new ServiceKey.Address(protocol, vip, port);
            if (port == 0 && !hasPersistence) {
                note(vs, "port 0 is only valid for a persistent service; keepalived makes it persistent for "
                        + Persistence.DEFAULT_TIMEOUT_SECONDS + " s, and so does this file");
                hasPersistence = true;
                persistenceSeconds = Persistence.DEFAULT_TIMEOUT_SECONDS;
            }
        }
        if (realServers.isEmpty()) {
            note(vs, "virtual_server " + key + " has no real_server; keepalived ignores it, and so does this file");
            return Optional.empty();
        }
        CheckDefaults serviceDefaults = new CheckDefaults(delayLoop, connectTimeout, retry, inhibit);
        List<RealServerSpec> servers = new ArrayList<>();
        for (Statement rs : realServers) {
            Optional<RealServerSpec> translated = realServer(rs, key, method, defaultWeight, serviceDefaults);
            if (translated.isEmpty()) {
                continue;
            }
            RealServerSpec server = translated.get();
            if (servers.stream().anyMatch(server::sameServer)) {
                note(rs, "real_server " + server.endpoint() + " is listed twice; the second is left out");
            } else {
                servers.add(server);
            }
        }
        Optional<Persistence> persistence = hasPersistence
                ? Optional.of(new Persistence(persistenceSeconds, netmask)) : Optional.empty();
        // One check shared by every server is written once, at the service.
        Optional<HealthCheck> shared = servers.isEmpty() ? Optional.empty() : servers.getFirst().healthCheck();
        if (shared.isPresent() && servers.stream().allMatch(server -> server.healthCheck().equals(shared))) {
            List<RealServerSpec> plain = servers.stream().map(server -> new RealServerSpec(server.address(),
                    server.port(), server.weight(), server.method(), server.upperThreshold(),
                    server.lowerThreshold())).toList();
            return Optional.of(new ServiceSpec(key, scheduler, 0, persistence, plain, shared));
        }
        return Optional.of(new ServiceSpec(key, scheduler, 0, persistence, servers, Optional.empty()));
    }

    /** The real server with its own check (if it has one); empty (with a note) when it is left out. */
    private Optional<RealServerSpec> realServer(Statement rs, ServiceKey key, ForwardingMethod serviceMethod,
                                                int defaultWeight, CheckDefaults serviceDefaults) throws Refusal {
        if (rs.arg(0) == null) {
            throw refusal(rs, "real_server needs an address and a port");
        }
        if (rs.arg(0).contains(":")) {
            throw refusal(rs, "real_server " + rs.arg(0) + ": IPv6 is not supported; expected an IPv4 address");
        }
        int address = address(rs, rs.arg(0), "real_server address");
        String problem = Ipv4.realServerProblem(address);
        if (problem != null) {
            throw refusal(rs, "real_server " + rs.arg(0) + ": " + problem + "; the kernel refuses it as a real server");
        }
        if (rs.arg(1) == null) {
            throw refusal(rs, "real_server " + rs.arg(0) + " has no port; expected real_server ADDRESS PORT");
        }
        int port = port(rs, rs.arg(1), "real_server port");
        int weight = defaultWeight;
        ForwardingMethod method = serviceMethod;
        int upper = 0;
        int lower = 0;
        Long delayLoop = null;
        Long connectTimeout = null;
        Integer retry = null;
        Boolean inhibit = null;
        List<Statement> checkers = new ArrayList<>();
        for (Statement s : rs.block()) {
            switch (s.keyword()) {
                case "weight" -> weight = integer(s, 0, RealServerSpec.MAX_WEIGHT);
                case "lb_kind", "lvs_method" -> {
                    Optional<ForwardingMethod> m = method(s);
                    if (m.isEmpty()) {
                        return Optional.empty();
                    }
                    method = m.get();
                }
                case "uthreshold" -> upper = integer(s, 0, Integer.MAX_VALUE);
                case "lthreshold" -> lower = integer(s, 0, Integer.MAX_VALUE);
                case "inhibit_on_failure" -> inhibit = flag(s);
                case "delay_loop" -> delayLoop = millis(s);
                case "connect_timeout" -> connectTimeout = millis(s);
                case "retry" -> retry = integer(s, 0, Integer.MAX_VALUE);
                case "TCP_CHECK", "HTTP_GET" -> checkers.add(s);
                default -> {
                    if (OTHER_CHECKERS.contains(s.keyword())) {
                        note(s, s.keyword() + " is not translated (jlvs checks by TCP connect or HTTP GET)");
                    } else {
                        note(s, s.keyword() + " is not translated");
                    }
                }
            }
        }
        if (method == null) {
            method = ForwardingMethod.MASQ;
        }
        if (lower > upper) {
            note(rs, "real_server " + rs.arg(0) + ": lthreshold " + lower + " above uthreshold " + upper
                    + "; lthreshold left out");
            lower = 0;
        }
        if (method != ForwardingMethod.MASQ) {
            int wanted = key.port();
            if (port != wanted) {
                note(rs, "real_server " + rs.arg(0) + " " + port + ": a " + methodWord(method) + " server uses "
                        + (key instanceof ServiceKey.Mark ? "the client's port (0) with a fwmark service"
                        : "the service port " + wanted) + ", as keepalived resets it");
                port = wanted;
            }
        } else if (port == 0 && key instanceof ServiceKey.Address) {
            port = key.port();
        }
        CheckDefaults defaults = new CheckDefaults(delayLoop, connectTimeout, retry, inhibit).over(serviceDefaults);
        Optional<HealthCheck> check = Optional.empty();
        if (!checkers.isEmpty()) {
            check = Optional.of(checker(checkers.getFirst(), defaults));
            for (Statement extra : checkers.subList(1, checkers.size())) {
                note(extra, extra.keyword() + " is not translated: jlvs runs one check per real server, the "
                        + checkers.getFirst().keyword() + " of line " + checkers.getFirst().line());
            }
        }
        return Optional.of(new RealServerSpec(address, port, weight, method, upper, lower, check));
    }

    private HealthCheck checker(Statement checker, CheckDefaults outer) throws Refusal {
        boolean http = checker.keyword().equals("HTTP_GET");
        int port = 0;
        Long delayLoop = null;
        Long connectTimeout = null;
        Integer retry = null;
        String path = "/";
        int status = 200;
        Statement firstUrl = null;
        for (Statement s : checker.block()) {
            switch (s.keyword()) {
                case "connect_port" -> port = port(s, value(s), "connect_port");
                case "connect_timeout" -> connectTimeout = millis(s);
                case "retry", "nb_get_retry" -> retry = integer(s, 0, Integer.MAX_VALUE);
                case "delay_loop" -> delayLoop = millis(s);
                case "delay_before_retry" -> note(s, "delay_before_retry is not translated: jlvs probes every"
                        + " interval (delay_loop), retries included");
                case "url" -> {
                    if (!http) {
                        note(s, "url is not translated in a TCP_CHECK");
                    } else if (firstUrl != null) {
                        note(s, "url is not translated: jlvs checks one url, the one of line " + firstUrl.line());
                    } else {
                        firstUrl = s;
                    }
                }
                default -> note(s, s.keyword() + " is not translated");
            }
        }
        if (http && firstUrl == null) {
            note(checker, "HTTP_GET has no url; the check asks for / and expects 200");
        }
        if (firstUrl != null) {
            boolean hasStatus = false;
            for (Statement s : firstUrl.block()) {
                switch (s.keyword()) {
                    case "path" -> {
                        path = value(s);
                        Optional<String> problem = HealthCheck.pathProblem(path);
                        if (problem.isPresent()) {
                            throw refusal(s, "url path: " + problem.get());
                        }
                    }
                    case "status_code" -> {
                        hasStatus = true;
                        status = statusCode(s);
                    }
                    default -> note(s, s.keyword() + " is not translated");
                }
            }
            if (!hasStatus) {
                note(firstUrl, "url has no status_code: keepalived accepts any 2xx status, jlvs expects 200");
            }
        }
        CheckDefaults d = new CheckDefaults(delayLoop, connectTimeout, retry, null).over(outer);
        long intervalMs = d.delayLoopMs() != null ? d.delayLoopMs() : DEFAULT_DELAY_LOOP_MS;
        long timeoutMs = d.connectTimeoutMs() != null ? d.connectTimeoutMs() : DEFAULT_CONNECT_TIMEOUT_MS;
        long failures = (d.retry() != null ? d.retry() : DEFAULT_RETRY) + 1L;
        if (failures > HealthCheck.MAX_COUNT) {
            note(checker, "retry " + (failures - 1) + " is more than jlvs's " + (HealthCheck.MAX_COUNT - 1)
                    + "; " + HealthCheck.MAX_COUNT + " failures take the server down");
            failures = HealthCheck.MAX_COUNT;
        }
        HealthCheck.Action action = Boolean.TRUE.equals(d.inhibit()) ? HealthCheck.Action.QUIESCE
                : HealthCheck.Action.REMOVE;
        try {
            return new HealthCheck(http ? HealthCheck.Type.HTTP : HealthCheck.Type.TCP, port, path, status,
                    intervalMs, timeoutMs, (int) failures, 1, action);
        } catch (IllegalArgumentException e) {
            throw refusal(checker, checker.keyword() + ": " + e.getMessage());
        }
    }

    private int statusCode(Statement s) throws Refusal {
        String text = firstArg(s);
        String firstValue = text.split("[-,]", 2)[0];
        if (!firstValue.equals(text) || s.args().size() > 1) {
            note(s, "status_code " + String.join(" ", s.args()) + ": jlvs expects one status; " + firstValue
                    + " is used");
        }
        int status = parseInt(s, firstValue, "status_code");
        if (status < 100 || status > 599) {
            throw refusal(s, "status_code must be 100..599, was " + status);
        }
        return status;
    }

    private String scheduler(Statement s) throws Refusal {
        String name = value(s);
        if (!Schedulers.names().contains(name)) {
            throw refusal(s, s.keyword() + " '" + name + "' is not a scheduler; expected one of "
                    + String.join(" ", Schedulers.names()));
        }
        return name;
    }

    /** NAT, DR or TUN; empty (with a note) for GRE, which jlvs does not have. */
    private Optional<ForwardingMethod> method(Statement s) throws Refusal {
        String kind = value(s).toUpperCase(Locale.ROOT);
        return switch (kind) {
            case "NAT" -> Optional.of(ForwardingMethod.MASQ);
            case "DR" -> Optional.of(ForwardingMethod.ROUTE);
            case "TUN" -> Optional.of(ForwardingMethod.TUNNEL);
            case "GRE" -> {
                note(s, s.keyword() + " GRE is not supported (jlvs tunnels with IPIP); left out");
                yield Optional.empty();
            }
            default -> throw refusal(s, s.keyword() + " must be NAT, DR or TUN, was '" + s.arg(0) + "'");
        };
    }

    private static String methodWord(ForwardingMethod method) {
        return method == ForwardingMethod.ROUTE ? "DR" : "TUN";
    }

    /** A keyword that is on by itself or takes keepalived's booleans ({@code true}, {@code off}...). */
    private boolean flag(Statement s) throws Refusal {
        if (s.args().isEmpty()) {
            return true;
        }
        return switch (value(s).toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw refusal(s, s.keyword() + " takes true or false, was '" + s.arg(0) + "'");
        };
    }

    /** The one value of the statement; further words are noted and ignored, as keepalived ignores them. */
    private String value(Statement s) throws Refusal {
        String value = firstArg(s);
        if (s.args().size() > 1) {
            note(s, s.keyword() + " takes one value; '" + String.join(" ", s.args().subList(1, s.args().size()))
                    + "' ignored");
        }
        return value;
    }

    private String firstArg(Statement s) throws Refusal {
        if (s.arg(0) == null) {
            throw refusal(s, s.keyword() + " needs a value");
        }
        return s.arg(0);
    }

    private int integer(Statement s, int min, int max) throws Refusal {
        int value = parseInt(s, value(s), s.keyword());
        if (value < min || value > max) {
            throw refusal(s, s.keyword() + " must be " + min + ".." + max + ", was " + value);
        }
        return value;
    }

    private int parseInt(Statement s, String text, String what) throws Refusal {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw refusal(s, what + " must be an integer, was '" + text + "'");
        }
    }

    /** Seconds, as the service file reads them ({@link HealthCheck#millisOfSeconds}), in milliseconds. */
    private long millis(Statement s) throws Refusal {
        try {
            return HealthCheck.millisOfSeconds(value(s));
        } catch (IllegalArgumentException e) {
            throw refusal(s, s.keyword() + ": " + e.getMessage());
        }
    }

    private int address(Statement s, String text, String what) throws Refusal {
        if (!Ipv4.isValid(text)) {
            throw refusal(s, what + " '" + text + "' is not an IPv4 address");
        }
        return Ipv4.parse(text);
    }

    private int port(Statement s, String text, String what) throws Refusal {
        int port = parseInt(s, text, what);
        if (port < 0 || port > 0xFFFF) {
            throw refusal(s, what + " must be 0..65535, was " + port);
        }
        return port;
    }

    private long unsignedMark(Statement s, String text) throws Refusal {
        if (text == null) {
            throw refusal(s, "virtual_server fwmark needs a mark number");
        }
        try {
            long mark = Long.parseLong(text);
            if (mark < 1 || mark > 0xFFFF_FFFFL) {
                throw refusal(s, "fwmark must be 1..4294967295, was " + text);
            }
            return mark;
        } catch (NumberFormatException e) {
            throw refusal(s, "fwmark must be an integer, was '" + text + "'");
        }
    }

    private Refusal refusal(Statement s, String message) {
        return new Refusal(fileName + ":" + s.line() + ": " + message);
    }

    private void note(Statement s, String message) {
        notes.add(new Note(s.line(), fileName + ":" + s.line() + ": " + message));
    }

    /** A note and the line it is about, to list the notes in file order. */
    private record Note(int line, String text) {
    }

    private List<String> sortedNotes() {
        return notes.stream().sorted(Comparator.comparingInt(Note::line)).map(Note::text).toList();
    }
}
