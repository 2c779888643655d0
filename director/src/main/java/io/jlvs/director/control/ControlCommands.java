package io.jlvs.director.control;

import io.jlvs.config.ConfigError;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.config.yaml.ServiceFileWriter;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.TcpState;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.service.Destination;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.Stats;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.director.adm.AdmCommand;
import io.jlvs.director.adm.AdmCommandKind;
import io.jlvs.director.adm.AdmFormatter;
import io.jlvs.director.adm.ConnRow;
import io.jlvs.director.adm.AdmOption;
import io.jlvs.director.adm.AdmParser;
import io.jlvs.director.adm.AdmResult;
import io.jlvs.director.adm.DestView;
import io.jlvs.director.adm.RestoreReader;
import io.jlvs.director.adm.RuleTable;
import io.jlvs.director.adm.ServiceRef;
import io.jlvs.director.adm.ServiceView;
import io.jlvs.director.adm.StatsView;
import io.jlvs.director.adm.TimeoutValues;
import io.jlvs.director.metrics.RateEstimator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs jlvsadm's commands against the running {@link ServiceTable}, with ipvsadm's
 * refusals, messages and exit statuses, and prints listings with {@link AdmFormatter} from
 * live state: destination connection counts, per-worker counters summed, rates from a
 * {@link RateEstimator} per service and real server, the connection table.
 *
 * <p>A change ({@code -A -E -D -C -a -e -d}, each line of {@code -R}, a reload) is made on
 * the running {@link ServiceFile}: the rules of that file are rebuilt as a {@link RuleTable},
 * the command is applied there (so refusals are the kernel's, in ipvsadm's words), the
 * result is turned back into a file, and only the {@link ServiceFileDiff} between the two is
 * applied to the service table. Services and real servers that stay therefore keep their
 * {@link Destination} objects, connections and counters. What the data plane cannot run
 * (SCTP, {@code --pe}, {@code -o}, GUE/GRE tunnels) is refused and nothing changes.
 *
 * <p>Besides ipvsadm's commands: {@code --reload} re-reads the service file and applies
 * the difference (a file with errors is refused whole), {@code --save-yaml} prints the
 * running set as a service file.
 *
 * <p>Every public method is synchronized: commands from the socket, the estimator timer and
 * a reload on SIGHUP run one at a time.
 */
public final class ControlCommands {
    /**
     * ipvsadm's status after the kernel refuses a command: its {@code main} returns the
     * library call's -1, which the shell sees as 255.
     */
    public static final int EXIT_REFUSED = 255;
    /** ipvsadm's status when listing a service that does not exist ({@code fail(2, ...)}). */
    public static final int EXIT_LIST_FAILED = 2;
    /** Status of a reload that was refused, or of a jlvsadm-only command that failed. */
    public static final int EXIT_RELOAD_REFUSED = 1;
    /** The conn table size shown when the control plane has no connection table. */
    public static final int DEFAULT_TABLE_SIZE = 4096;

    /** jlvsadm's own command: re-read the service file. */
    public static final String RELOAD = "--reload";
    /** jlvsadm's own command: print the running set as a service file. */
    public static final String SAVE_YAML = "--save-yaml";

    private final ServiceTable services;
    private final ConnTracker tracker;
    private final Timeouts timeouts;
    private final Path configFile;
    private final LongSupplier clockMs;
    private final Consumer<ServiceFileDiff> applier;
    private final AdmParser parser = new AdmParser();
    private final Map<Object, Stats> zeroedAt = new IdentityHashMap<>();
    private final Map<Object, RateEstimator> estimators = new IdentityHashMap<>();
    private ServiceFile running;

    /**
     * @param services   the running table, already holding {@code running}'s services
     * @param running    the file the table was built from
     * @param configFile the file {@code --reload} reads, or {@code null} for none
     * @param tracker    the connection tracker for {@code -Lnc}, or {@code null} for none
     * @param timeouts   the timeouts {@code --set} changes (the tracker's)
     * @param clockMs    the clock the workers use, milliseconds
     */
    public ControlCommands(ServiceTable services, ServiceFile running, Path configFile, ConnTracker tracker,
                           Timeouts timeouts, LongSupplier clockMs) {
        this(services, running, configFile, tracker, timeouts, clockMs, services::apply);
    }

    /**
     * As above, with the step that applies a difference to the table: the health checker's
     * when it runs, so that servers a check took out can be edited or deleted.
     *
     * @param applier applies a difference to {@code services}; throws as
     *                {@link ServiceTable#apply} does, and then nothing has changed
     */
    public ControlCommands(ServiceTable services, ServiceFile running, Path configFile, ConnTracker tracker,
                           Timeouts timeouts, LongSupplier clockMs, Consumer<ServiceFileDiff> applier) {
        this.applier = applier;
        this.services = services;
        this.running = running;
        this.configFile = configFile;
        this.tracker = tracker;
        this.timeouts = timeouts;
        this.clockMs = clockMs;
    }

    /** The file the running services correspond to (after every change made here). */
    public synchronized ServiceFile running() {
        return running;
    }

    /** Runs one jlvsadm invocation. */
    public synchronized ControlResponse execute(ControlRequest request) {
        List<String> argv = request.argv();
        if (argv.equals(List.of(RELOAD))) {
            return reload();
        }
        if (argv.equals(List.of(SAVE_YAML))) {
            return ControlResponse.ok(new ServiceFileWriter().write(running));
        }
        return switch (parser.parse(argv)) {
            case AdmResult.Failed failed -> ControlResponse.error(failed.message(), failed.exitCode());
            case AdmResult.Parsed parsed -> parsed.command().kind() == AdmCommandKind.RESTORE
                    ? restore(request.stdin())
                    : run(parsed.command());
        };
    }

    /**
     * Re-reads the service file and applies the difference. A file with errors is refused
     * with all of them and nothing changes.
     */
    public synchronized ControlResponse reload() {
        if (configFile == null) {
            return ControlResponse.error("jlvsd: no service file to reload", EXIT_RELOAD_REFUSED);
        }
        ServiceFile next;
        try {
            next = new ServiceFileLoader().load(configFile);
        } catch (ConfigException e) {
            StringBuilder err = new StringBuilder();
            for (ConfigError error : e.errors()) {
                err.append(error).append('\n');
            }
            err.append("jlvsd: reload of ").append(configFile).append(" refused; nothing changed\n");
            return new ControlResponse("", err.toString(), EXIT_RELOAD_REFUSED);
        }
        ServiceFileDiff diff = ServiceFileDiff.between(running, next);
        Optional<String> failed = commit(next);
        if (failed.isPresent()) {
            return ControlResponse.error(failed.get() + "; reload refused, nothing changed", EXIT_RELOAD_REFUSED);
        }
        StringBuilder out = new StringBuilder();
        for (String key : diff.globalKeysChanged()) {
            if (key.equals("timeouts")) {
                io.jlvs.config.model.Timeouts t = next.global().timeouts();
                timeouts.set(t.tcpSeconds(), t.tcpFinSeconds(), t.udpSeconds());
            } else if (key.equals("defense") && tracker != null) {
                next.global().defense().applyTo(tracker.defense());
            } else {
                out.append("jlvsd: global.").append(key).append(" changed; it applies at the next start\n");
            }
        }
        out.append("jlvsd: reloaded ").append(configFile).append(": ").append(diff.added().size())
                .append(" services added, ").append(diff.removed().size()).append(" removed, ")
                .append(diff.changed().size()).append(" changed\n");
        return ControlResponse.ok(out.toString());
    }

    /** Folds the last {@link RateEstimator#PERIOD_MS} into every rate. Call on that period. */
    public synchronized void sampleRates() {
        Map<Object, Stats> now = new IdentityHashMap<>();
        for (VirtualService service : services.services()) {
            now.put(service, services.serviceStats(service));
            for (Destination d : service.destinations()) {
                now.put(d, services.destinationStats(d));
            }
        }
        estimators.keySet().retainAll(now.keySet());
        zeroedAt.keySet().retainAll(now.keySet());
        for (Map.Entry<Object, Stats> e : now.entrySet()) {
            RateEstimator estimator = estimators.get(e.getKey());
            if (estimator == null) {
                estimators.put(e.getKey(), new RateEstimator(e.getValue()));
            } else {
                estimator.update(e.getValue());
            }
        }
    }

    private ControlResponse run(AdmCommand command) {
        return switch (command.kind()) {
            case ADD_SERVICE, EDIT_SERVICE, DELETE_SERVICE, FLUSH, ADD_SERVER, EDIT_SERVER, DELETE_SERVER ->
                    change(command);
            case LIST -> list(command);
            case SAVE -> ControlResponse.ok(AdmFormatter.save(views()));
            case ZERO -> zero(command.service());
            case SET_TIMEOUTS -> setTimeouts(command.timeouts().orElseThrow());
            case HELP -> ControlResponse.ok(AdmFormatter.usage(Jlvsadm.PROGRAM));
            case VERSION -> ControlResponse.ok(AdmFormatter.version());
            default -> ControlResponse.error("jlvsd: " + command.kind().commandName() + " is not supported",
                    EXIT_LIST_FAILED);
        };
    }

    /**
     * {@code -R}: each line in order, as ipvsadm does: a refused line prints its message and
     * the next one runs; a line that does not parse ends the restore there (lines before it
     * stay applied). The status is that of the last line run.
     */
    private ControlResponse restore(String input) {
        RestoreReader.Result read = new RestoreReader(parser).read(input);
        int stopAt = read.errors().isEmpty() ? Integer.MAX_VALUE : read.errors().getFirst().lineNumber();
        ControlResponse batched = restoreAtOnce(read, stopAt);
        if (batched != null) {
            return batched;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int exitCode = 0;
        for (RestoreReader.Line line : read.lines()) {
            if (line.lineNumber() > stopAt) {
                break;
            }
            ControlResponse r = run(line.command());
            out.append(r.stdout());
            err.append(r.stderr());
            exitCode = r.exitCode();
        }
        if (!read.errors().isEmpty()) {
            RestoreReader.LineError error = read.errors().getFirst();
            err.append(error.message()).append('\n');
            exitCode = error.exitCode();
        }
        return new ControlResponse(out.toString(), err.toString(), exitCode);
    }

    /**
     * {@code -R} of rule lines only (no listing, no {@code --set}), as one change: each line is
     * applied in order to a copy of the rules, a refused one printing its message as it would
     * alone, and the result is committed once, so a thousand lines cost one update of the
     * table and the kernel, not a thousand. Returns {@code null} (nothing changed) when the
     * input holds other commands or the whole cannot be committed; the caller then runs the lines
     * one by one.
     */
    private ControlResponse restoreAtOnce(RestoreReader.Result read, int stopAt) {
        RuleTable table = RuleTable.of(running);
        StringBuilder err = new StringBuilder();
        int exitCode = 0;
        for (RestoreReader.Line line : read.lines()) {
            if (line.lineNumber() > stopAt) {
                break;
            }
            switch (line.command().kind()) {
                case ADD_SERVICE, EDIT_SERVICE, DELETE_SERVICE, FLUSH, ADD_SERVER, EDIT_SERVER, DELETE_SERVER -> {
                }
                default -> {
                    return null;
                }
            }
            Optional<String> refused = table.apply(line.command());
            if (refused.isPresent()) {
                err.append(refused.get()).append('\n');
                exitCode = EXIT_REFUSED;
            } else {
                exitCode = 0;
            }
        }
        RuleTable.Conversion conversion;
        try {
            conversion = table.toServiceFile(running);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!conversion.problems().isEmpty() || commit(conversion.file()).isPresent()) {
            return null;
        }
        if (!read.errors().isEmpty()) {
            RestoreReader.LineError error = read.errors().getFirst();
            err.append(error.message()).append('\n');
            exitCode = error.exitCode();
        }
        return new ControlResponse("", err.toString(), exitCode);
    }

    private ControlResponse change(AdmCommand command) {
        RuleTable table = RuleTable.of(running);
        Optional<String> refused = table.apply(command);
        if (refused.isPresent()) {
            return ControlResponse.error(refused.get(), EXIT_REFUSED);
        }
        RuleTable.Conversion conversion;
        try {
            conversion = table.toServiceFile(running);
        } catch (IllegalArgumentException e) {
            return ControlResponse.error("jlvsd: " + e.getMessage(), EXIT_REFUSED);
        }
        if (!conversion.problems().isEmpty()) {
            return ControlResponse.error("jlvsd: " + String.join("\njlvsd: ", conversion.problems())
                    + "\njlvsd: command refused; nothing changed", EXIT_REFUSED);
        }
        Optional<String> failed = commit(conversion.file());
        return failed.map(message -> ControlResponse.error(message, EXIT_REFUSED))
                .orElseGet(() -> ControlResponse.ok(""));
    }

    /** Applies the difference to the service table; on failure nothing has changed. */
    private Optional<String> commit(ServiceFile next) {
        try {
            applier.accept(ServiceFileDiff.between(running, next));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Optional.of("jlvsd: " + e.getMessage());
        }
        running = next;
        return Optional.empty();
    }

    private ControlResponse list(AdmCommand command) {
        if (command.has(AdmOption.CONNECTION)) {
            return ControlResponse.ok(connections(command.has(AdmOption.PERSISTENT_CONN)));
        }
        if (command.has(AdmOption.TIMEOUT)) {
            return ControlResponse.ok(AdmFormatter.timeouts(timeouts.tcpS(TcpState.ESTABLISHED),
                    timeouts.tcpS(TcpState.FIN_WAIT), timeouts.udpS()));
        }
        if (command.has(AdmOption.DAEMON)) {
            return ControlResponse.ok("");
        }
        List<ServiceView> views = views();
        if (command.service().isEmpty()) {
            int size = tracker == null ? DEFAULT_TABLE_SIZE : tracker.table().capacity();
            return ControlResponse.ok(AdmFormatter.listAll(views, command.listFormat(), size));
        }
        for (ServiceView view : views) {
            if (view.service().equals(command.service().get())) {
                return ControlResponse.ok(AdmFormatter.listService(view, command.listFormat()));
            }
        }
        return ControlResponse.error("No such service", EXIT_LIST_FAILED);
    }

    private String connections(boolean persistentConn) {
        return AdmFormatter.connections(tracker == null ? List.of() : ConnRow.of(tracker.table(), clockMs.getAsLong()),
                persistentConn);
    }

    private ControlResponse zero(Optional<ServiceRef> only) {
        List<VirtualService> chosen = new ArrayList<>();
        if (only.isPresent()) {
            VirtualService service = services.service(key(only.get()));
            if (service == null) {
                return ControlResponse.error("No such service", EXIT_REFUSED);
            }
            chosen.add(service);
        } else {
            chosen.addAll(services.services());
        }
        for (VirtualService service : chosen) {
            zeroAt(service, services.serviceStats(service));
            for (Destination d : service.destinations()) {
                zeroAt(d, services.destinationStats(d));
            }
        }
        return ControlResponse.ok("");
    }

    private void zeroAt(Object owner, Stats now) {
        zeroedAt.put(owner, now);
        RateEstimator estimator = estimators.get(owner);
        if (estimator != null) {
            estimator.reset(now);
        }
    }

    private ControlResponse setTimeouts(TimeoutValues values) {
        timeouts.set(values.tcpSeconds(), values.tcpFinSeconds(), values.udpSeconds());
        GlobalSettings g = running.global();
        running = new ServiceFile(g.withTimeouts(values.appliedTo(g.timeouts())), running.services());
        return ControlResponse.ok("");
    }

    /** The running services as listings show them, with live counts, counters and rates. */
    private List<ServiceView> views() {
        List<ServiceView> views = new ArrayList<>();
        for (ServiceView rule : RuleTable.of(running).views()) {
            VirtualService service = services.service(key(rule.service()));
            if (service == null) {
                views.add(rule);
                continue;
            }
            List<DestView> dests = new ArrayList<>();
            for (DestView dest : rule.dests()) {
                Destination d = destination(service, dest.server().address(), dest.server().port());
                if (d == null) {
                    dests.add(dest);
                } else {
                    dests.add(new DestView(dest.server().with(d.method(), d.weight()), d.activeConns(),
                            d.inactConns(), d.persistConns(), stats(d, services.destinationStats(d))));
                }
            }
            views.add(new ServiceView(rule.service(), rule.options(),
                    stats(service, services.serviceStats(service)), dests));
        }
        return views;
    }

    private StatsView stats(Object owner, Stats raw) {
        Stats base = zeroedAt.getOrDefault(owner, Stats.ZERO);
        RateEstimator rate = estimators.get(owner);
        return new StatsView(raw.conns() - base.conns(), raw.inPkts() - base.inPkts(),
                raw.outPkts() - base.outPkts(), raw.inBytes() - base.inBytes(), raw.outBytes() - base.outBytes(),
                rate == null ? 0 : rate.connsPerSecond(), rate == null ? 0 : rate.inPacketsPerSecond(), rate == null ? 0 : rate.outPacketsPerSecond(),
                rate == null ? 0 : rate.inBytesPerSecond(), rate == null ? 0 : rate.outBytesPerSecond());
    }

    private static Destination destination(VirtualService service, int address, int port) {
        for (Destination d : service.destinations()) {
            if (d.addr() == address && d.port() == port) {
                return d;
            }
        }
        return null;
    }

    private static ServiceKey key(ServiceRef service) {
        if (service.isFwmark()) {
            return new ServiceKey.Mark(service.fwmark());
        }
        return new ServiceKey.Address(service.protocol(), service.address(), service.port());
    }
}
