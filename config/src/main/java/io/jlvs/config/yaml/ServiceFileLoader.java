package io.jlvs.config.yaml;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.TextInput;
import io.jlvs.config.model.Endpoint;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.DefenseSettings;
import io.jlvs.config.model.IoSettings;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.core.service.SchedulerFlag;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.config.model.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.sched.Schedulers;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.TreeSet;

/**
 * Loads and validates a YAML service file (schema in {@code docs/service-file.md}).
 *
 * <p>The file is composed into a snakeyaml-engine node tree (JSON schema: {@code 80} is an
 * integer, {@code "80"} a string, {@code true}/{@code false} booleans), so every value keeps
 * its line. Validation goes on after an error and reports all of them at once, each as
 * {@code FILE:LINE PATH: message}; a file with any error yields a {@link ConfigException}
 * and no model. Thread-safe: it holds no state between calls.
 */
public final class ServiceFileLoader {
    static final List<String> ROOT_KEYS = List.of("global", "services");
    static final List<String> GLOBAL_KEYS = List.of("interfaces", "workers", "connection-table-capacity",
            "timeouts", "metrics-listen", "control-socket", "io", "defense");
    static final List<String> IO_KEYS = List.of("backend", "rx-ring-frames", "idle");
    static final List<String> IDLE_KEYS = List.of("spins", "yields");
    static final List<String> DEFENSE_KEYS = List.of("drop-entry", "drop-packet", "secure-tcp", "amemthresh",
            "am-droprate", "syn-recv-timeout-under-pressure", "per-source-syn-limit");
    static final List<String> TIMEOUT_KEYS = List.of("tcp", "tcpfin", "udp");
    static final List<String> SERVICE_KEYS = List.of("protocol", "vip", "port", "fwmark", "scheduler",
            "scheduler-flags", "persistence", "one-packet", "servers", "health-check");
    static final List<String> PERSISTENCE_KEYS = List.of("timeout", "netmask");
    static final List<String> SERVER_KEYS = List.of("address", "port", "weight", "method",
            "upper-threshold", "lower-threshold", "health-check");
    static final List<String> HEALTH_CHECK_KEYS = List.of("type", "port", "path", "expect-status", "interval",
            "timeout", "retries", "rise", "action");

    /** YAML method names and the forwarding methods they select. */
    static final Map<String, ForwardingMethod> METHODS = Map.of(
            "dr", ForwardingMethod.ROUTE, "nat", ForwardingMethod.MASQ, "tun", ForwardingMethod.TUNNEL);
    /** Other words operators use for the methods (ipvsadm's listing, the options' long names). */
    private static final Map<String, String> METHOD_ALIASES = Map.of(
            "route", "dr", "gate", "dr", "gatewaying", "dr", "direct", "dr", "droute", "dr",
            "masq", "nat", "masquerading", "nat", "tunnel", "tun", "ipip", "tun", "tunneling", "tun");


    private final Set<String> schedulers;

    /** A loader that accepts the names of the schedulers jlvs has ({@link Schedulers#names()}). */
    public ServiceFileLoader() {
        this(Schedulers.names());
    }

    /** A loader that accepts exactly these scheduler names (those the caller can build). */
    public ServiceFileLoader(Set<String> schedulerNames) {
        this.schedulers = Collections.unmodifiableSet(new TreeSet<>(schedulerNames));
    }

    /**
     * Reads and validates a file; messages name it as given.
     *
     * @throws ConfigException with every error, or the reason the file cannot be read
     */
    public ServiceFile load(Path file) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = TextInput.read(file);
        } catch (TextInput.TooLargeException e) {
            throw single(name, "cannot read the service file: " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw single(name, "cannot read the service file: no such file");
        } catch (AccessDeniedException e) {
            throw single(name, "cannot read the service file: permission denied");
        } catch (CharacterCodingException e) {
            throw single(name, "cannot read the service file: it is not UTF-8 text");
        } catch (IOException e) {
            throw single(name, "cannot read the service file: " + e.getMessage());
        }
        return parse(text, name);
    }

    /**
     * Validates YAML text.
     *
     * @param fileName the name messages give the text
     * @throws ConfigException with every error
     */
    public ServiceFile parse(String yaml, String fileName) throws ConfigException {
        NodeReader reader = new NodeReader(fileName);
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(fileName).setSchema(new JsonSchema())
                    .setUseMarks(true).setAllowNonScalarKeys(true).setCodePointLimit(TextInput.MAX_BYTES).build();
            root = new Compose(settings).composeString(yaml).orElse(null);
        } catch (StackOverflowError e) {
            throw single(fileName, 0, "not valid here: the YAML nests deeper than a service file can"
                    + " (a service file needs four levels)");
        } catch (MarkedYamlEngineException e) {
            throw single(fileName, syntaxLine(e), syntaxMessage(e));
        } catch (YamlEngineException e) {
            throw single(fileName, 0, "not valid YAML: " + e.getMessage());
        } catch (NumberFormatException e) {
            // The YAML reader parses these numbers without checking them first.
            throw single(fileName, 0, "not valid YAML: an escape in a double-quoted string (\\xXX, \\uXXXX,"
                    + " \\UXXXXXXXX) without its hex digits, or a %YAML version that is no number");
        }
        if (root == null) {
            throw single(fileName, 1, "the file is empty; expected a mapping with keys 'global' and 'services'");
        }
        ServiceFile result = new Walk(reader).file(root);
        if (reader.hasErrors() || result == null) {
            throw new ConfigException(reader.errors());
        }
        return result;
    }

    private static int syntaxLine(MarkedYamlEngineException e) {
        return e.getProblemMark().or(e::getContextMark).map(mark -> mark.getLine() + 1).orElse(0);
    }

    /**
     * {@code not valid YAML at column 9: while parsing a flow sequence, expected ',' or ']'
     * (the construct starts on line 5)}.
     */
    private static String syntaxMessage(MarkedYamlEngineException e) {
        StringBuilder text = new StringBuilder("not valid YAML");
        Optional<Mark> problem = e.getProblemMark();
        problem.ifPresent(mark -> text.append(" at column ").append(mark.getColumn() + 1));
        text.append(": ");
        if (e.getContext() != null) {
            text.append(e.getContext()).append(", ");
        }
        text.append(e.getProblem());
        Optional<Mark> context = e.getContextMark();
        if (context.isPresent() && problem.isPresent() && context.get().getLine() != problem.get().getLine()) {
            text.append(" (the construct starts on line ").append(context.get().getLine() + 1).append(')');
        }
        return text.toString();
    }

    private static ConfigException single(String file, String message) {
        return single(file, 0, message);
    }

    private static ConfigException single(String file, int line, String message) {
        return new ConfigException(List.of(new ConfigError(file, line, "", message)));
    }

    /** Where a service was defined, to name the first one of a duplicate pair. */
    private record Seen(String path, int line) {
    }

    /** One validation pass over a node tree. */
    private final class Walk {
        private final NodeReader r;

        Walk(NodeReader reader) {
            this.r = reader;
        }

        ServiceFile file(Node root) {
            NodeReader.Fields fields = r.fields(root, "", "the service file", ROOT_KEYS, List.of("global"));
            if (fields == null) {
                return null;
            }
            GlobalSettings global = fields.has("global") ? global(fields.value("global")) : null;
            List<ServiceSpec> services = fields.has("services") ? services(fields.value("services")) : List.of();
            if (global == null || services == null) {
                return null;
            }
            return new ServiceFile(global, services);
        }

        private GlobalSettings global(Node node) {
            NodeReader.Fields f = r.fields(node, "global", "the global settings", GLOBAL_KEYS,
                    List.of("interfaces"));
            if (f == null) {
                return null;
            }
            boolean ok = true;
            List<String> interfaces = f.has("interfaces") ? interfaces(f.value("interfaces")) : null;
            ok &= interfaces != null;
            int workers = GlobalSettings.DEFAULT_WORKERS;
            if (f.has("workers")) {
                OptionalInt value = r.intValue(f.value("workers"), "global.workers", 1, GlobalSettings.MAX_WORKERS,
                        "");
                ok &= value.isPresent();
                workers = value.orElse(workers);
            }
            int capacity = GlobalSettings.DEFAULT_CAPACITY;
            if (f.has("connection-table-capacity")) {
                OptionalInt value = capacity(f.value("connection-table-capacity"));
                ok &= value.isPresent();
                capacity = value.orElse(capacity);
            }
            Timeouts timeouts = Timeouts.DEFAULT;
            if (f.has("timeouts")) {
                timeouts = timeouts(f.value("timeouts"));
                ok &= timeouts != null;
            }
            Optional<Endpoint> metrics = Optional.of(GlobalSettings.DEFAULT_METRICS);
            if (f.has("metrics-listen")) {
                metrics = metrics(f.value("metrics-listen"));
                ok &= metrics != null;
            }
            String socket = GlobalSettings.DEFAULT_CONTROL_SOCKET;
            if (f.has("control-socket")) {
                socket = controlSocket(f.value("control-socket"));
                ok &= socket != null;
            }
            IoSettings io = IoSettings.DEFAULT;
            if (f.has("io")) {
                io = io(f.value("io"));
                ok &= io != null;
            }
            DefenseSettings defense = DefenseSettings.DEFAULT;
            if (f.has("defense")) {
                defense = defense(f.value("defense"));
                ok &= defense != null;
            }
            return ok ? new GlobalSettings(interfaces, workers, capacity, timeouts, metrics, socket, io, defense) : null;
        }

        private DefenseSettings defense(Node node) {
            NodeReader.Fields f = r.fields(node, "global.defense", "the connection table's defence", DEFENSE_KEYS,
                    List.of());
            if (f == null) {
                return null;
            }
            DefenseSettings d = DefenseSettings.DEFAULT;
            OptionalInt dropEntry = mode(f, "drop-entry", d.dropEntry());
            OptionalInt dropPacket = mode(f, "drop-packet", d.dropPacket());
            OptionalInt secureTcp = mode(f, "secure-tcp", d.secureTcp());
            OptionalInt amemthresh = OptionalInt.of(d.amemthresh());
            if (f.has("amemthresh")) {
                amemthresh = r.intValue(f.value("amemthresh"), "global.defense.amemthresh", 0,
                        DefenseSettings.MAX_AMEMTHRESH, "free connection-table entries");
            }
            OptionalInt amDroprate = OptionalInt.of(d.amDroprate());
            if (f.has("am-droprate")) {
                amDroprate = r.intValue(f.value("am-droprate"), "global.defense.am-droprate", 1,
                        Integer.MAX_VALUE, "");
            }
            OptionalInt synRecv = OptionalInt.of(d.synRecvSecondsUnderPressure());
            if (f.has("syn-recv-timeout-under-pressure")) {
                synRecv = r.intValue(f.value("syn-recv-timeout-under-pressure"),
                        "global.defense.syn-recv-timeout-under-pressure", 1, Timeouts.MAX_SECONDS, "seconds");
            }
            OptionalInt perSource = OptionalInt.of(d.perSourceSynLimit());
            if (f.has("per-source-syn-limit")) {
                perSource = r.intValue(f.value("per-source-syn-limit"), "global.defense.per-source-syn-limit", 0,
                        GlobalSettings.MAX_CAPACITY, "SYN_RECV entries per client address (0: no limit)");
            }
            if (dropEntry.isEmpty() || dropPacket.isEmpty() || secureTcp.isEmpty() || amemthresh.isEmpty()
                    || amDroprate.isEmpty() || synRecv.isEmpty() || perSource.isEmpty()) {
                return null;
            }
            return new DefenseSettings(dropEntry.getAsInt(), dropPacket.getAsInt(), secureTcp.getAsInt(),
                    amemthresh.getAsInt(), amDroprate.getAsInt(), synRecv.getAsInt(), perSource.getAsInt());
        }

        /** A defence mode, 0..3 as the kernel's sysctl takes it; {@code fallback} when absent. */
        private OptionalInt mode(NodeReader.Fields f, String key, int fallback) {
            if (!f.has(key)) {
                return OptionalInt.of(fallback);
            }
            return r.intValue(f.value(key), "global.defense." + key, 0, 3,
                    "(0 off, 1 automatic, 2 on while under pressure, 3 always)");
        }

        private IoSettings io(Node node) {
            NodeReader.Fields f = r.fields(node, "global.io", "the I/O settings", IO_KEYS, List.of());
            if (f == null) {
                return null;
            }
            boolean ok = true;
            IoSettings.Backend backend = IoSettings.DEFAULT.backend();
            if (f.has("backend")) {
                String path = "global.io.backend";
                String names = Arrays.stream(IoSettings.Backend.values()).map(IoSettings.Backend::fileName)
                        .collect(Collectors.joining(", "));
                String text = r.text(f.value("backend"), path, "one of " + names);
                Optional<IoSettings.Backend> parsed = text == null ? Optional.empty()
                        : IoSettings.Backend.ofFileName(text);
                if (text != null && parsed.isEmpty()) {
                    r.error(f.value("backend"), path, "unknown backend '" + text + "'; expected one of " + names);
                }
                ok &= parsed.isPresent();
                backend = parsed.orElse(backend);
            }
            OptionalInt frames = OptionalInt.of(IoSettings.DEFAULT.rxRingFrames());
            if (f.has("rx-ring-frames")) {
                frames = r.intValue(f.value("rx-ring-frames"), "global.io.rx-ring-frames",
                        IoSettings.MIN_RX_RING_FRAMES, IoSettings.MAX_RX_RING_FRAMES, "");
                ok &= frames.isPresent();
            }
            OptionalInt spins = OptionalInt.of(IoSettings.DEFAULT.idleSpins());
            OptionalInt yields = OptionalInt.of(IoSettings.DEFAULT.idleYields());
            if (f.has("idle")) {
                NodeReader.Fields idle = r.fields(f.value("idle"), "global.io.idle", "the idle strategy", IDLE_KEYS,
                        List.of());
                if (idle == null) {
                    return null;
                }
                if (idle.has("spins")) {
                    spins = r.intValue(idle.value("spins"), "global.io.idle.spins", 0, IoSettings.MAX_IDLE_STEPS, "");
                    ok &= spins.isPresent();
                }
                if (idle.has("yields")) {
                    yields = r.intValue(idle.value("yields"), "global.io.idle.yields", 0, IoSettings.MAX_IDLE_STEPS,
                            "");
                    ok &= yields.isPresent();
                }
            }
            return ok ? new IoSettings(backend, frames.getAsInt(), spins.getAsInt(), yields.getAsInt()) : null;
        }

        private List<String> interfaces(Node node) {
            String path = "global.interfaces";
            List<Node> items = r.sequence(node, path, "interface names such as [eth0]");
            if (items == null) {
                return null;
            }
            if (items.isEmpty()) {
                r.error(node, path, "needs at least one interface name, such as [eth0]");
                return null;
            }
            List<String> names = new ArrayList<>();
            boolean ok = true;
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String itemPath = NodeReader.item(path, i);
                String name = r.text(item, itemPath, "an interface name such as eth0");
                if (name == null) {
                    ok = false;
                } else if (GlobalSettings.interfaceNameProblem(name).isPresent()) {
                    r.error(item, itemPath, GlobalSettings.interfaceNameProblem(name).get());
                    ok = false;
                } else if (names.contains(name)) {
                    r.error(item, itemPath, "interface '" + name + "' is listed twice");
                    ok = false;
                } else {
                    names.add(name);
                }
            }
            return ok ? names : null;
        }

        private OptionalInt capacity(Node node) {
            String path = "global.connection-table-capacity";
            OptionalLong read = r.integer(node, path, 1, Long.MAX_VALUE, "");
            if (read.isEmpty()) {
                return OptionalInt.empty();
            }
            long value = read.getAsLong();
            if (!GlobalSettings.isValidCapacity(value)) {
                r.error(node, path, "must be " + GlobalSettings.MIN_CAPACITY + ".." + GlobalSettings.MAX_CAPACITY
                        + ", was " + value);
                return OptionalInt.empty();
            }
            return OptionalInt.of((int) value);
        }

        private Timeouts timeouts(Node node) {
            NodeReader.Fields f = r.fields(node, "global.timeouts", "the timeouts", TIMEOUT_KEYS, List.of());
            if (f == null) {
                return null;
            }
            OptionalInt tcp = timeout(f, "tcp", Timeouts.DEFAULT.tcpSeconds());
            OptionalInt tcpFin = timeout(f, "tcpfin", Timeouts.DEFAULT.tcpFinSeconds());
            OptionalInt udp = timeout(f, "udp", Timeouts.DEFAULT.udpSeconds());
            return tcp.isEmpty() || tcpFin.isEmpty() || udp.isEmpty() ? null
                    : new Timeouts(tcp.getAsInt(), tcpFin.getAsInt(), udp.getAsInt());
        }

        private OptionalInt timeout(NodeReader.Fields f, String key, int defaultSeconds) {
            if (!f.has(key)) {
                return OptionalInt.of(defaultSeconds);
            }
            Node node = f.value(key);
            String path = "global.timeouts." + key;
            if (node instanceof ScalarNode scalar && Tag.INT.equals(node.getTag()) && "0".equals(scalar.getValue())) {
                r.error(node, path, "must be 1.." + Timeouts.MAX_SECONDS + " seconds, was 0 (ipvsadm --set"
                        + " reads 0 as 'unchanged'; here leave the key out for the default " + defaultSeconds + ")");
                return OptionalInt.empty();
            }
            return r.intValue(node, path, 1, Timeouts.MAX_SECONDS, "seconds");
        }

        private Optional<Endpoint> metrics(Node node) {
            String path = "global.metrics-listen";
            if (Tag.BOOL.equals(node.getTag()) && "false".equals(((ScalarNode) node).getValue())) {
                return Optional.empty();
            }
            String expected = "ADDRESS:PORT such as 127.0.0.1:9180, or false for no metrics endpoint";
            String text = r.text(node, path, expected);
            if (text == null) {
                return null;
            }
            int colon = text.lastIndexOf(':');
            if (colon < 0 || !Ipv4.isValid(text.substring(0, colon)) || !isPort(text.substring(colon + 1))) {
                r.error(node, path, "not an address and port: '" + text + "'; expected " + expected);
                return null;
            }
            return Optional.of(new Endpoint(Ipv4.parse(text.substring(0, colon)),
                    Integer.parseInt(text.substring(colon + 1))));
        }

        private String controlSocket(Node node) {
            String path = "global.control-socket";
            String text = r.text(node, path, "an absolute path such as " + GlobalSettings.DEFAULT_CONTROL_SOCKET);
            if (text == null) {
                return null;
            }
            if (!text.startsWith("/")) {
                r.error(node, path, "must be an absolute path such as " + GlobalSettings.DEFAULT_CONTROL_SOCKET
                        + ", was '" + text + "'");
                return null;
            }
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > GlobalSettings.MAX_SOCKET_PATH_BYTES) {
                r.error(node, path, "is " + bytes + " bytes long; a Unix socket path holds at most "
                        + GlobalSettings.MAX_SOCKET_PATH_BYTES);
                return null;
            }
            return text;
        }

        private List<ServiceSpec> services(Node node) {
            if (NodeReader.isNull(node)) {
                return List.of();
            }
            List<Node> items = r.sequence(node, "services", "the virtual services");
            if (items == null) {
                return null;
            }
            List<ServiceSpec> services = new ArrayList<>();
            Map<ServiceKey, Seen> seen = new HashMap<>();
            boolean ok = true;
            for (int i = 0; i < items.size(); i++) {
                String path = NodeReader.item("services", i);
                Node item = items.get(i);
                ServiceKey[] key = new ServiceKey[1];
                ServiceSpec service = service(item, path, key);
                if (key[0] != null) {
                    Seen first = seen.putIfAbsent(key[0], new Seen(path, NodeReader.line(item)));
                    if (first != null) {
                        r.error(item, path, "duplicate service " + key[0] + " (first defined at "
                                + first.path() + ", line " + first.line() + "); merge their servers into one");
                        ok = false;
                    }
                }
                if (service == null) {
                    ok = false;
                } else {
                    services.add(service);
                }
            }
            return ok ? services : null;
        }

        /** A service, or null after errors; its key goes to {@code keyOut[0]} when valid. */
        private ServiceSpec service(Node node, String path, ServiceKey[] keyOut) {
            NodeReader.Fields f = r.fields(node, path, "a virtual service", SERVICE_KEYS, List.of());
            if (f == null) {
                return null;
            }
            boolean ok = true;
            ServiceKey key = serviceKey(node, f, path);
            keyOut[0] = key;
            ok &= key != null;

            String scheduler = Schedulers.DEFAULT;
            if (f.has("scheduler")) {
                scheduler = scheduler(f.value("scheduler"), NodeReader.child(path, "scheduler"));
                ok &= scheduler != null;
            } else if (!schedulers.contains(scheduler)) {
                r.error(node, path, "missing key 'scheduler' (the default " + Schedulers.DEFAULT
                        + " is not available here); known schedulers: " + String.join(", ", schedulers));
                ok = false;
                scheduler = null;
            }
            OptionalInt flags = OptionalInt.of(0);
            if (f.has("scheduler-flags")) {
                flags = schedulerFlags(f.value("scheduler-flags"), NodeReader.child(path, "scheduler-flags"),
                        scheduler);
                ok &= flags.isPresent();
            }
            Optional<Persistence> persistence = Optional.empty();
            if (f.has("persistence")) {
                persistence = persistence(f.value("persistence"), NodeReader.child(path, "persistence"));
                ok &= persistence != null;
            }
            if (key instanceof ServiceKey.Address address && address.port() == 0 && persistence != null
                    && persistence.isEmpty()) {
                r.error(f.value("port"), NodeReader.child(path, "port"), "port 0 (every port) needs persistence,"
                        + " as ipvsadm says: 'Zero port specified for non-persistent service'; give a port or"
                        + " 'persistence: true'");
                ok = false;
            }
            boolean onePacket = false;
            if (f.has("one-packet")) {
                Node value = f.value("one-packet");
                String at = NodeReader.child(path, "one-packet");
                if (!Tag.BOOL.equals(value.getTag())) {
                    r.error(value, at, "expected true or false, got " + NodeReader.describe(value));
                    ok = false;
                } else {
                    onePacket = "true".equals(((ScalarNode) value).getValue());
                    if (onePacket && key != null && !ServiceSpec.allowsOnePacket(key)) {
                        r.error(value, at, "one-packet scheduling is only for UDP and fwmark services, as ipvsadm"
                                + " says: 'One-Packet Scheduling is only for UDP virtual services'");
                        ok = false;
                    }
                }
            }
            Optional<HealthCheck> check = Optional.empty();
            if (f.has("health-check")) {
                HealthCheck value = healthCheck(f.value("health-check"), NodeReader.child(path, "health-check"),
                        HealthCheck.DEFAULT, true);
                ok &= value != null;
                check = value == null ? null : Optional.of(value);
            }
            List<RealServerSpec> servers = List.of();
            if (f.has("servers")) {
                OptionalInt servicePort = key != null ? OptionalInt.of(key.port()) : OptionalInt.empty();
                servers = servers(f.value("servers"), NodeReader.child(path, "servers"), servicePort,
                        key instanceof ServiceKey.Mark, check);
                ok &= servers != null;
            }
            return ok ? new ServiceSpec(key, scheduler, flags.getAsInt(), persistence, servers, check, onePacket) : null;
        }

        private ServiceKey serviceKey(Node node, NodeReader.Fields f, String path) {
            if (f.has("fwmark")) {
                boolean ok = true;
                for (String key : List.of("protocol", "vip", "port")) {
                    if (f.has(key)) {
                        r.error(f.value(key), NodeReader.child(path, key), "'" + key + "' does not apply to a"
                                + " fwmark service (the mark alone selects its packets); remove it, or remove"
                                + " 'fwmark'");
                        ok = false;
                    }
                }
                OptionalLong mark = r.integer(f.value("fwmark"), NodeReader.child(path, "fwmark"), 1, 0xFFFF_FFFFL, "");
                return ok && mark.isPresent() ? new ServiceKey.Mark((int) mark.getAsLong()) : null;
            }
            for (String key : List.of("protocol", "vip", "port")) {
                if (!f.has(key) && !f.isSuggested(key)) {
                    r.error(node, path, "missing key '" + key + "' in a virtual service (a service needs"
                            + " protocol, vip and port, or fwmark)");
                }
            }
            Protocol protocol = f.has("protocol") ? protocol(f.value("protocol"), NodeReader.child(path, "protocol"))
                    : null;
            OptionalInt vip = f.has("vip") ? r.ipv4(f.value("vip"), NodeReader.child(path, "vip"), "the virtual IP")
                    : OptionalInt.empty();
            OptionalInt port = f.has("port")
                    ? r.intValue(f.value("port"), NodeReader.child(path, "port"), 0, 0xFFFF, "") : OptionalInt.empty();
            return protocol == null || vip.isEmpty() || port.isEmpty() ? null
                    : new ServiceKey.Address(protocol, vip.getAsInt(), port.getAsInt());
        }

        private Protocol protocol(Node node, String path) {
            String text = r.text(node, path, "tcp or udp");
            if (text == null) {
                return null;
            }
            return switch (text) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> {
                    String lower = text.toLowerCase(Locale.ROOT);
                    String hint = lower.equals("tcp") || lower.equals("udp") ? " (write it in lower case: "
                            + lower + ")" : "";
                    r.error(node, path, "unknown protocol '" + text + "'; expected tcp or udp" + hint);
                    yield null;
                }
            };
        }

        private String scheduler(Node node, String path) {
            String name = r.text(node, path, "a scheduler name such as wrr");
            if (name == null) {
                return null;
            }
            if (!schedulers.contains(name)) {
                String guess = Suggestions.closest(name, schedulers);
                r.error(node, path, "unknown scheduler '" + name + "'"
                        + Suggestions.didYouMean(guess)
                        + "; known schedulers: " + String.join(", ", schedulers));
                return null;
            }
            return name;
        }

        private OptionalInt schedulerFlags(Node node, String path, String scheduler) {
            List<Node> items = r.sequence(node, path, "scheduler flags such as [sh-port]");
            if (items == null) {
                return OptionalInt.empty();
            }
            int bits = 0;
            boolean ok = true;
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String itemPath = NodeReader.item(path, i);
                String name = r.text(item, itemPath, "a scheduler flag name");
                if (name == null) {
                    ok = false;
                    continue;
                }
                SchedulerFlag flag = SchedulerFlag.ofName(name);
                if (flag == null) {
                    String guess = Suggestions.closest(name, SchedulerFlag.names());
                    r.error(item, itemPath, "unknown scheduler flag '" + name + "'"
                            + Suggestions.didYouMean(guess)
                            + "; known flags: " + String.join(", ", SchedulerFlag.names()));
                    ok = false;
                } else if (scheduler != null && !flag.appliesTo(scheduler)) {
                    r.error(item, itemPath, "flag '" + name + "' only applies to the "
                            + name.substring(0, 2) + " scheduler, not " + scheduler
                            + " (ipvsadm: incompatible scheduler flag); use flag-1..flag-3 for other schedulers");
                    ok = false;
                } else {
                    bits |= flag.bit();
                }
            }
            return ok ? OptionalInt.of(bits) : OptionalInt.empty();
        }

        private Optional<Persistence> persistence(Node node, String path) {
            String expected = "true, false, a timeout in seconds 1.." + Persistence.MAX_TIMEOUT_SECONDS
                    + ", or a mapping with keys timeout and netmask";
            if (NodeReader.isNull(node)) {
                return Optional.of(Persistence.DEFAULT);
            }
            Tag tag = node.getTag();
            if (Tag.BOOL.equals(tag)) {
                return "true".equals(((ScalarNode) node).getValue()) ? Optional.of(Persistence.DEFAULT)
                        : Optional.empty();
            }
            if (Tag.INT.equals(tag)) {
                OptionalInt timeout = persistenceTimeout(node, path);
                return timeout.isEmpty() ? null
                        : Optional.of(new Persistence(timeout.getAsInt(), Persistence.DEFAULT_NETMASK));
            }
            if (!(node instanceof MappingNode)) {
                r.error(node, path, "expected " + expected + ", got " + NodeReader.describe(node));
                return null;
            }
            NodeReader.Fields f = r.fields(node, path, "the persistence settings", PERSISTENCE_KEYS, List.of());
            if (f == null) {
                return null;
            }
            OptionalInt timeout = f.has("timeout") ? persistenceTimeout(f.value("timeout"), NodeReader.child(path,
                    "timeout")) : OptionalInt.of(Persistence.DEFAULT_TIMEOUT_SECONDS);
            OptionalInt netmask = f.has("netmask") ? netmask(f.value("netmask"), NodeReader.child(path, "netmask"))
                    : OptionalInt.of(Persistence.DEFAULT_NETMASK);
            return timeout.isEmpty() || netmask.isEmpty() ? null
                    : Optional.of(new Persistence(timeout.getAsInt(), netmask.getAsInt()));
        }

        private OptionalInt persistenceTimeout(Node node, String path) {
            return r.intValue(node, path, 1, Persistence.MAX_TIMEOUT_SECONDS, "seconds");
        }

        private OptionalInt netmask(Node node, String path) {
            OptionalInt mask = r.ipv4(node, path, "a netmask such as 255.255.255.0");
            if (mask.isPresent() && !Persistence.isContiguous(mask.getAsInt())) {
                r.error(node, path, "netmask " + Ipv4.format(mask.getAsInt()) + " is not contiguous; expected"
                        + " leading one bits only, such as 255.255.255.0");
                return OptionalInt.empty();
            }
            return mask;
        }

        private List<RealServerSpec> servers(Node node, String path, OptionalInt servicePort, boolean fwmark,
                                             Optional<HealthCheck> serviceCheck) {
            if (NodeReader.isNull(node)) {
                return List.of();
            }
            List<Node> items = r.sequence(node, path, "the real servers");
            if (items == null) {
                return null;
            }
            List<RealServerSpec> servers = new ArrayList<>();
            List<Seen> seen = new ArrayList<>();
            Set<Long> endpoints = new HashSet<>();
            boolean ok = true;
            for (int i = 0; i < items.size(); i++) {
                String itemPath = NodeReader.item(path, i);
                Node item = items.get(i);
                RealServerSpec server = server(item, itemPath, servicePort, fwmark, serviceCheck);
                if (server == null) {
                    ok = false;
                    continue;
                }
                long endpoint = ((long) server.address() << 16) | server.port();
                if (!endpoints.add(endpoint)) {
                    int first = indexOf(servers, server);
                    r.error(item, itemPath, "duplicate real server " + server.endpoint() + " (first at "
                            + seen.get(first).path() + ", line " + seen.get(first).line() + "); keep only one");
                    ok = false;
                    continue;
                }
                servers.add(server);
                seen.add(new Seen(itemPath, NodeReader.line(item)));
            }
            return ok ? servers : null;
        }

        private static int indexOf(List<RealServerSpec> servers, RealServerSpec server) {
            for (int i = 0; i < servers.size(); i++) {
                if (servers.get(i).sameServer(server)) {
                    return i;
                }
            }
            throw new IllegalStateException("server not seen: " + server.endpoint());
        }

        private RealServerSpec server(Node node, String path, OptionalInt servicePort, boolean fwmark,
                                      Optional<HealthCheck> serviceCheck) {
            NodeReader.Fields f = r.fields(node, path, "a real server", SERVER_KEYS, List.of("address"));
            if (f == null) {
                return null;
            }
            boolean ok = true;
            OptionalInt address = f.has("address")
                    ? r.ipv4(f.value("address"), NodeReader.child(path, "address"), "the real server's address")
                    : OptionalInt.empty();
            String problem = address.isEmpty() ? null : Ipv4.realServerProblem(address.getAsInt());
            if (problem != null) {
                r.error(f.value("address"), NodeReader.child(path, "address"), "not a real-server address: " + problem
                        + " (the kernel refuses it: Invalid argument)");
                address = OptionalInt.empty();
            }
            ok &= address.isPresent();
            OptionalInt port = servicePort;
            if (f.has("port")) {
                port = r.intValue(f.value("port"), NodeReader.child(path, "port"), 0, 0xFFFF, "");
                ok &= port.isPresent();
            }
            OptionalInt weight = OptionalInt.of(RealServerSpec.DEFAULT_WEIGHT);
            if (f.has("weight")) {
                weight = r.intValue(f.value("weight"), NodeReader.child(path, "weight"), 0, RealServerSpec.MAX_WEIGHT,
                        "");
                ok &= weight.isPresent();
            }
            ForwardingMethod method = ForwardingMethod.ROUTE;
            if (f.has("method")) {
                method = method(f.value("method"), NodeReader.child(path, "method"));
                ok &= method != null;
            }
            OptionalInt upper = OptionalInt.of(0);
            if (f.has("upper-threshold")) {
                upper = r.intValue(f.value("upper-threshold"), NodeReader.child(path, "upper-threshold"), 0,
                        Integer.MAX_VALUE, "connections");
                ok &= upper.isPresent();
            }
            OptionalInt lower = OptionalInt.of(0);
            if (f.has("lower-threshold")) {
                lower = r.intValue(f.value("lower-threshold"), NodeReader.child(path, "lower-threshold"), 0,
                        Integer.MAX_VALUE, "connections");
                ok &= lower.isPresent();
            }
            if (upper.isPresent() && lower.isPresent() && lower.getAsInt() > upper.getAsInt()) {
                String message = upper.getAsInt() == 0
                        ? "lower-threshold " + lower.getAsInt() + " needs an upper-threshold of at least "
                            + lower.getAsInt()
                            + " (without one the server is never overloaded; the kernel refuses lower > upper)"
                        : "lower-threshold " + lower.getAsInt() + " is above upper-threshold " + upper.getAsInt()
                            + "; the kernel refuses it (ERANGE)";
                r.error(f.value("lower-threshold"), NodeReader.child(path, "lower-threshold"), message);
                ok = false;
            }
            if (method != null && method != ForwardingMethod.MASQ && f.has("port") && port.isPresent()
                    && servicePort.isPresent() && port.getAsInt() != servicePort.getAsInt()) {
                String word = method == ForwardingMethod.ROUTE ? "dr" : "tun";
                String must = fwmark ? "a " + word + " server of a fwmark service keeps the client's port"
                        : "a " + word + " server must use the service port " + servicePort.getAsInt();
                r.error(f.value("port"), NodeReader.child(path, "port"), must + ", was " + port.getAsInt()
                        + ": DR and TUN forward packets with the destination port unchanged (ipvsadm forces it);"
                        + " remove 'port' or use method nat");
                ok = false;
            }
            Optional<HealthCheck> check = Optional.empty();
            if (f.has("health-check")) {
                HealthCheck base = serviceCheck == null ? HealthCheck.DEFAULT : serviceCheck.orElse(HealthCheck.DEFAULT);
                HealthCheck value = healthCheck(f.value("health-check"), NodeReader.child(path, "health-check"),
                        base, serviceCheck != null);
                ok &= value != null;
                if (value != null && (serviceCheck == null || !serviceCheck.equals(Optional.of(value)))) {
                    check = Optional.of(value);
                }
            }
            if (!ok || port.isEmpty()) {
                return null;
            }
            return new RealServerSpec(address.getAsInt(), port.getAsInt(), weight.getAsInt(), method,
                    upper.getAsInt(), lower.getAsInt(), check);
        }

        /**
         * A {@code health-check} mapping: its keys on top of {@code base} (the defaults for a
         * service, the service's block for a server), or null after errors. Without
         * {@code baseValid} (the service's block had errors) keys are checked one by one only.
         */
        private HealthCheck healthCheck(Node node, String path, HealthCheck base, boolean baseValid) {
            NodeReader.Fields f = r.fields(node, path, "a health check", HEALTH_CHECK_KEYS, List.of());
            if (f == null) {
                return null;
            }
            boolean ok = true;
            HealthCheck.Type type = base.type();
            if (f.has("type")) {
                type = checkType(f.value("type"), NodeReader.child(path, "type"));
                ok &= type != null;
            }
            OptionalInt port = OptionalInt.of(base.port());
            if (f.has("port")) {
                port = r.intValue(f.value("port"), NodeReader.child(path, "port"), 1, 0xFFFF, "");
                ok &= port.isPresent();
            }
            String target = base.path();
            if (f.has("path")) {
                String p = NodeReader.child(path, "path");
                target = r.text(f.value("path"), p, "an HTTP path such as /health");
                if (target != null && HealthCheck.pathProblem(target).isPresent()) {
                    r.error(f.value("path"), p, HealthCheck.pathProblem(target).get());
                    target = null;
                }
                ok &= target != null;
            }
            OptionalInt status = OptionalInt.of(base.expectStatus());
            if (f.has("expect-status")) {
                status = r.intValue(f.value("expect-status"), NodeReader.child(path, "expect-status"), 100, 599, "");
                ok &= status.isPresent();
            }
            OptionalLong interval = OptionalLong.of(base.intervalMs());
            if (f.has("interval")) {
                interval = milliseconds(f.value("interval"), NodeReader.child(path, "interval"));
                ok &= interval.isPresent();
            }
            OptionalLong timeout = OptionalLong.of(base.timeoutMs());
            if (f.has("timeout")) {
                timeout = milliseconds(f.value("timeout"), NodeReader.child(path, "timeout"));
                ok &= timeout.isPresent();
            }
            OptionalInt retries = OptionalInt.of(base.retries());
            if (f.has("retries")) {
                retries = r.intValue(f.value("retries"), NodeReader.child(path, "retries"), 1, HealthCheck.MAX_COUNT,
                        "failures");
                ok &= retries.isPresent();
            }
            OptionalInt rise = OptionalInt.of(base.rise());
            if (f.has("rise")) {
                rise = r.intValue(f.value("rise"), NodeReader.child(path, "rise"), 1, HealthCheck.MAX_COUNT,
                        "successes");
                ok &= rise.isPresent();
            }
            HealthCheck.Action action = base.action();
            if (f.has("action")) {
                action = checkAction(f.value("action"), NodeReader.child(path, "action"));
                ok &= action != null;
            }
            if (type == HealthCheck.Type.TCP && (baseValid || f.has("type"))) {
                for (String key : List.of("path", "expect-status")) {
                    if (f.has(key)) {
                        r.error(f.value(key), NodeReader.child(path, key), "'" + key + "' applies to http checks"
                                + " only; add 'type: http' or remove it");
                        ok = false;
                    }
                }
            }
            return ok ? new HealthCheck(type, port.getAsInt(), target, status.getAsInt(), interval.getAsLong(),
                    timeout.getAsLong(), retries.getAsInt(), rise.getAsInt(), action) : null;
        }

        private HealthCheck.Type checkType(Node node, String path) {
            return word(node, path, HealthCheck.Type.values(), HealthCheck.Type::yamlName, "check type",
                    "tcp (connect) or http (GET)");
        }

        private HealthCheck.Action checkAction(Node node, String path) {
            return word(node, path, HealthCheck.Action.values(), HealthCheck.Action::yamlName, "action",
                    "quiesce (weight 0) or remove");
        }

        /** One of {@code values} by its YAML word, or null after an error. */
        private <E extends Enum<E>> E word(Node node, String path, E[] values, Function<E, String> yamlName,
                                           String what, String expected) {
            String text = r.text(node, path, expected);
            if (text == null) {
                return null;
            }
            for (E value : values) {
                if (yamlName.apply(value).equals(text)) {
                    return value;
                }
            }
            r.error(node, path, "unknown " + what + " '" + text + "'; expected " + expected);
            return null;
        }

        /** Seconds, whole or with up to three decimals ({@code 5}, {@code 0.2}), as milliseconds. */
        private OptionalLong milliseconds(Node node, String path) {
            if (!(node instanceof ScalarNode scalar)
                    || !(Tag.INT.equals(node.getTag()) || Tag.FLOAT.equals(node.getTag()))) {
                r.error(node, path, "expected a number of seconds " + HealthCheck.SECONDS_RANGE
                        + " such as 5 or 0.2, got " + NodeReader.describe(node));
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(HealthCheck.millisOfSeconds(scalar.getValue()));
            } catch (IllegalArgumentException e) {
                r.error(node, path, e.getMessage());
                return OptionalLong.empty();
            }
        }

        private ForwardingMethod method(Node node, String path) {
            String text = r.text(node, path, "dr, nat or tun");
            if (text == null) {
                return null;
            }
            ForwardingMethod method = METHODS.get(text);
            if (method != null) {
                return method;
            }
            String lower = text.toLowerCase(Locale.ROOT);
            String guess = METHODS.containsKey(lower) ? lower : METHOD_ALIASES.get(lower);
            r.error(node, path, "unknown method '" + text + "'"
                    + Suggestions.didYouMean(guess)
                    + "; expected dr (direct routing), nat or tun (IPIP tunnel)");
            return null;
        }
    }

    private static boolean isPort(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 0xFFFF;
    }
}
