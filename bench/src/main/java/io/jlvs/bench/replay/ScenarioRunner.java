package io.jlvs.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Scheduler;
import io.jlvs.sched.LocalityBasedLeastConnectionScheduler;
import io.jlvs.sched.LocalityBasedReplicationScheduler;
import io.jlvs.sched.Schedulers;
import io.jlvs.sched.ServiceScheduling;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one scenario (IPVS-SEMANTICS §5): builds the service, applies the {@code setup}
 * and {@code events} ops in order and records each pick with its expectation.
 */
final class ScenarioRunner {

    /** One pick: where it happened, what was expected and what was picked. */
    record Pick(String where, boolean hasExpect, String expected, String got) {
        boolean matches() {
            return !hasExpect || expected.equals(got);
        }
    }

    private final String id;
    private final JsonNode scenario;
    private final List<Pick> picks = new ArrayList<>();
    private final Map<String, Destination> servers = new LinkedHashMap<>();
    private final Map<Destination, String> names = new IdentityHashMap<>();

    private String schedulerName;
    private int schedulerFlags;
    private long lblcExpirationMs = -1;
    private long lblcrExpirationMs = -1;
    private String counterModel = "none";
    private int vip;
    private int vport;
    private long nowMs;
    private ServiceScheduling service;

    ScenarioRunner(String id, JsonNode scenario) {
        this.id = id;
        this.scenario = scenario;
    }

    /** The scenario's {@code id}, or the position it was read from. */
    String id() {
        return id;
    }

    /** The picks made so far, in order. */
    List<Pick> picks() {
        return picks;
    }

    /**
     * Runs every op.
     *
     * @throws ScenarioException naming the scenario and the op that cannot be run
     */
    void run() throws ScenarioException {
        schedulerName = text(scenario, "scheduler", "scenario");
        schedulerFlags = flags(scenario.get("sched_flags"));
        JsonNode svc = scenario.get("service");
        if (svc != null && !svc.isNull()) {
            if (!svc.isObject()) {
                throw fail("scenario", "'service' must be an object");
            }
            vip = svc.has("vip") ? address(svc, "vip", "service") : 0;
            vport = integer(svc, "vport", 0, "service");
        }
        JsonNode params = scenario.get("params");
        if (params != null && !params.isNull()) {
            if (params.has("lblc_expiration")) {
                lblcExpirationMs = millis(params, "lblc_expiration", "params");
            }
            if (params.has("lblcr_expiration")) {
                lblcrExpirationMs = millis(params, "lblcr_expiration", "params");
            }
        }
        if (scenario.has("counter_model")) {
            counterModel = text(scenario, "counter_model", "scenario");
            if (!counterModel.equals("active") && !counterModel.equals("inactive") && !counterModel.equals("none")) {
                throw fail("scenario", "counter_model must be active, inactive or none, was '" + counterModel + "'");
            }
        }
        String initial = scenario.hasNonNull("initial_scheduler")
                ? text(scenario, "initial_scheduler", "scenario") : schedulerName;
        service = new ServiceScheduling(newScheduler(initial, "scenario"));
        ops("setup");
        ops("events");
    }

    private void ops(String list) throws ScenarioException {
        JsonNode ops = scenario.get(list);
        if (ops == null || ops.isNull()) {
            return;
        }
        if (!ops.isArray()) {
            throw fail(list, "must be an array of ops");
        }
        for (int i = 0; i < ops.size(); i++) {
            String where = list + "[" + i + "]";
            JsonNode op = ops.get(i);
            if (!op.isObject()) {
                throw fail(where, "an op must be a JSON object");
            }
            try {
                apply(op, where);
            } catch (IllegalArgumentException e) {
                throw fail(where, e.getMessage());
            }
        }
    }

    private void apply(JsonNode op, String where) throws ScenarioException {
        String name = text(op, "op", where);
        switch (name) {
            case "add_dest" -> addDest(op, where);
            case "edit_dest" -> {
                Destination d = server(op, where);
                service.edit(d, integer(op, "weight", d.weight(), where),
                        integer(op, "u_threshold", d.upperThreshold(), where),
                        integer(op, "l_threshold", d.lowerThreshold(), where));
            }
            case "del_dest" -> {
                Destination d = server(op, where);
                service.delete(d);
                servers.values().remove(d);
            }
            case "set_conns" -> setConns(server(op, where), op, where);
            case "rebind_scheduler" -> {
                String next = op.hasNonNull("scheduler") ? text(op, "scheduler", where) : schedulerName;
                service.rebind(newScheduler(next, where));
            }
            case "schedule" -> schedule(op, where);
            default -> throw fail(where, "unknown op '" + name
                    + "': valid ops are add_dest, edit_dest, del_dest, set_conns, rebind_scheduler, schedule");
        }
    }

    private void addDest(JsonNode op, String where) throws ScenarioException {
        String name = text(op, "server", where);
        if (servers.containsKey(name)) {
            throw fail(where, "server '" + name + "' is already in the service");
        }
        ForwardingMethod method = switch (op.hasNonNull("fwd") ? text(op, "fwd", where) : "g") {
            case "m" -> ForwardingMethod.MASQ;
            case "g" -> ForwardingMethod.ROUTE;
            case "i" -> ForwardingMethod.TUNNEL;
            default -> throw fail(where, "fwd must be m, g or i");
        };
        Destination d = new Destination(address(op, "addr", where), integer(op, "port", vport, where), method,
                integer(op, "weight", 1, where));
        d.thresholds(integer(op, "u_threshold", 0, where), integer(op, "l_threshold", 0, where));
        d.setConns(integer(op, "active", 0, where), integer(op, "inactive", 0, where));
        service.add(d);
        if (op.has("overload") && bool(op, "overload", where)) {
            d.setFlag(Destination.OVERLOAD);
        }
        servers.put(name, d);
        names.put(d, name);
    }

    private void setConns(Destination d, JsonNode op, String where) throws ScenarioException {
        d.setConns(integer(op, "active", d.activeConns(), where), integer(op, "inactive", d.inactConns(), where));
        if (op.has("overload")) {
            if (bool(op, "overload", where)) {
                d.setFlag(Destination.OVERLOAD);
            } else {
                d.clearFlag(Destination.OVERLOAD);
            }
        }
    }

    private void schedule(JsonNode op, String where) throws ScenarioException {
        int client = address(op, "client", where);
        int cport = integer(op, "cport", 0, where);
        int dest = op.hasNonNull("vip") ? address(op, "vip", where) : vip;
        int dport = integer(op, "vport", vport, where);
        if (op.hasNonNull("time")) {
            JsonNode t = op.get("time");
            if (!t.isNumber()) {
                throw fail(where, "'time' must be a number of seconds");
            }
            nowMs = Math.round(t.asDouble() * 1000);
        }
        Destination d = service.schedule(client, cport, dest, dport, nowMs);
        String got = d == null ? "none" : names.get(d);
        if (got == null) {
            got = d.toString();
        }
        if (d != null && !counterModel.equals("none")) {
            d.bindConn(false, counterModel.equals("active"));
        }
        boolean hasExpect = op.has("expect");
        String expected = null;
        if (hasExpect) {
            JsonNode e = op.get("expect");
            if (e.isNull()) {
                expected = "none";
            } else if (e.isTextual()) {
                expected = e.asText();
                if (!expected.equals("none") && !servers.containsKey(expected) && !names.containsValue(expected)) {
                    throw fail(where, "expect names unknown server '" + expected + "'");
                }
            } else {
                throw fail(where, "'expect' must be a server name or null");
            }
        }
        picks.add(new Pick(where, hasExpect, expected, got));
    }

    private Scheduler newScheduler(String name, String where) throws ScenarioException {
        int flags = name.equals(schedulerName) ? schedulerFlags : 0;
        Scheduler s;
        try {
            s = Schedulers.create(name, flags);
        } catch (IllegalArgumentException e) {
            throw fail(where, e.getMessage());
        }
        if (s instanceof LocalityBasedLeastConnectionScheduler lblc && lblcExpirationMs >= 0) {
            lblc.expirationMs(lblcExpirationMs);
        }
        if (s instanceof LocalityBasedReplicationScheduler lblcr && lblcrExpirationMs >= 0) {
            lblcr.expirationMs(lblcrExpirationMs);
        }
        return s;
    }

    private int flags(JsonNode node) throws ScenarioException {
        if (node == null || node.isNull()) {
            return 0;
        }
        try {
            if (node.isTextual()) {
                return Schedulers.parseFlags(schedulerName, node.asText());
            }
            if (!node.isArray()) {
                throw fail("scenario", "sched_flags must be an array of flag names");
            }
            int flags = 0;
            for (JsonNode f : node) {
                if (!f.isTextual()) {
                    throw fail("scenario", "sched_flags must be an array of flag names");
                }
                flags |= Schedulers.parseFlag(schedulerName, f.asText());
            }
            return flags;
        } catch (IllegalArgumentException e) {
            throw fail("scenario", e.getMessage());
        }
    }

    private Destination server(JsonNode op, String where) throws ScenarioException {
        String name = text(op, "server", where);
        Destination d = servers.get(name);
        if (d == null) {
            throw fail(where, "unknown server '" + name + "'" + (servers.isEmpty() ? ""
                    : ": the service has " + String.join(", ", servers.keySet())));
        }
        return d;
    }

    private String text(JsonNode node, String field, String where) throws ScenarioException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw fail(where, "'" + field + "' must be a string" + (v == null ? " and is missing" : ""));
        }
        return v.asText();
    }

    private int integer(JsonNode node, String field, int absent, String where) throws ScenarioException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw fail(where, "'" + field + "' must be a non-negative integer, was " + v);
        }
        return v.asInt();
    }

    private boolean bool(JsonNode node, String field, String where) throws ScenarioException {
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw fail(where, "'" + field + "' must be true or false, was " + v);
        }
        return v.asBoolean();
    }

    private long millis(JsonNode node, String field, String where) throws ScenarioException {
        JsonNode v = node.get(field);
        if (!v.isNumber() || v.asDouble() < 0) {
            throw fail(where, "'" + field + "' must be a non-negative number of seconds, was " + v);
        }
        return Math.round(v.asDouble() * 1000);
    }

    private int address(JsonNode node, String field, String where) throws ScenarioException {
        String text = text(node, field, where);
        try {
            return Ipv4.parse(text);
        } catch (IllegalArgumentException e) {
            throw fail(where, "'" + field + "': " + e.getMessage());
        }
    }

    private ScenarioException fail(String where, String message) {
        return new ScenarioException("scenario '" + id + "' " + where + ": " + message);
    }
}
