package io.jlvs.config.yaml;

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
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.JsonSchema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders a {@link ServiceFile} as YAML that {@link ServiceFileLoader} reads back to an
 * equal model. Every global setting is written out; per service and server, keys at their
 * default are left out only where the default is plain (no thresholds, no flags, no
 * persistence), while port, weight and method are always written. Thread-safe.
 */
public final class ServiceFileWriter {
    private static final DumpSettings SETTINGS = DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.AUTO)
            .setSchema(new JsonSchema())
            .setIndent(2)
            .setIndicatorIndent(2)
            .setIndentWithIndicator(true)
            .setWidth(120)
            .build();

    /** The file as YAML text. */
    public String write(ServiceFile file) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("global", global(file.global()));
        List<Object> services = new ArrayList<>();
        for (ServiceSpec service : file.services()) {
            services.add(service(service));
        }
        root.put("services", services);
        return new Dump(SETTINGS).dumpToString(root);
    }

    private static Map<String, Object> global(GlobalSettings global) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("interfaces", global.interfaces());
        map.put("workers", global.workers());
        map.put("connection-table-capacity", global.connectionTableCapacity());
        Timeouts timeouts = global.timeouts();
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("tcp", timeouts.tcpSeconds());
        t.put("tcpfin", timeouts.tcpFinSeconds());
        t.put("udp", timeouts.udpSeconds());
        map.put("timeouts", t);
        map.put("metrics-listen", global.metricsListen().<Object>map(Object::toString).orElse(Boolean.FALSE));
        map.put("control-socket", global.controlSocket());
        IoSettings io = global.io();
        if (!io.equals(IoSettings.DEFAULT)) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("backend", io.backend().fileName());
            i.put("rx-ring-frames", io.rxRingFrames());
            Map<String, Object> idle = new LinkedHashMap<>();
            idle.put("spins", io.idleSpins());
            idle.put("yields", io.idleYields());
            i.put("idle", idle);
            map.put("io", i);
        }
        DefenseSettings defense = global.defense();
        if (!defense.equals(DefenseSettings.DEFAULT)) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("drop-entry", defense.dropEntry());
            d.put("drop-packet", defense.dropPacket());
            d.put("secure-tcp", defense.secureTcp());
            d.put("amemthresh", defense.amemthresh());
            d.put("am-droprate", defense.amDroprate());
            d.put("syn-recv-timeout-under-pressure", defense.synRecvSecondsUnderPressure());
            d.put("per-source-syn-limit", defense.perSourceSynLimit());
            map.put("defense", d);
        }
        return map;
    }

    private static Map<String, Object> service(ServiceSpec service) {
        Map<String, Object> map = new LinkedHashMap<>();
        switch (service.key()) {
            case ServiceKey.Address address -> {
                map.put("protocol", address.protocol().name().toLowerCase(Locale.ROOT));
                map.put("vip", Ipv4.format(address.vip()));
                map.put("port", address.port());
            }
            case ServiceKey.Mark mark -> map.put("fwmark", Integer.toUnsignedLong(mark.mark()));
        }
        map.put("scheduler", service.scheduler());
        if (service.schedulerFlags() != 0) {
            map.put("scheduler-flags", SchedulerFlag.namesOf(service.schedulerFlags(), service.scheduler()));
        }
        if (service.persistence().isPresent()) {
            Persistence persistence = service.persistence().get();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("timeout", persistence.timeoutSeconds());
            p.put("netmask", Ipv4.format(persistence.netmask()));
            map.put("persistence", p);
        }
        if (service.onePacket()) {
            map.put("one-packet", true);
        }
        service.healthCheck().ifPresent(check -> map.put("health-check", healthCheck(check)));
        List<Object> servers = new ArrayList<>();
        for (RealServerSpec server : service.servers()) {
            servers.add(server(server, service.healthCheck()));
        }
        map.put("servers", servers);
        return map;
    }

    private static Map<String, Object> server(RealServerSpec server, Optional<HealthCheck> serviceCheck) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("address", Ipv4.format(server.address()));
        map.put("port", server.port());
        map.put("weight", server.weight());
        map.put("method", methodName(server.method()));
        if (server.upperThreshold() != 0) {
            map.put("upper-threshold", server.upperThreshold());
        }
        if (server.lowerThreshold() != 0) {
            map.put("lower-threshold", server.lowerThreshold());
        }
        server.healthCheck().filter(check -> !serviceCheck.equals(Optional.of(check)))
                .ifPresent(check -> map.put("health-check", healthCheck(check)));
        return map;
    }

    /** Every key of the check, so it reads back the same whatever block it is laid over. */
    private static Map<String, Object> healthCheck(HealthCheck check) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("type", check.type().yamlName());
        if (check.port() != 0) {
            map.put("port", check.port());
        }
        if (check.type() == HealthCheck.Type.HTTP) {
            map.put("path", check.path());
            map.put("expect-status", check.expectStatus());
        }
        map.put("interval", seconds(check.intervalMs()));
        map.put("timeout", seconds(check.timeoutMs()));
        map.put("retries", check.retries());
        map.put("rise", check.rise());
        map.put("action", check.action().yamlName());
        return map;
    }

    /** Whole seconds as an integer, else a decimal with up to three places. */
    private static Object seconds(long ms) {
        return ms % 1000 == 0 ? (Object) (ms / 1000) : (Object) (ms / 1000.0);
    }

    /** The YAML word for a method: dr, nat or tun. */
    static String methodName(ForwardingMethod method) {
        return switch (method) {
            case ROUTE -> "dr";
            case MASQ -> "nat";
            case TUNNEL -> "tun";
            case LOCAL -> throw new IllegalArgumentException("a service file has no LOCAL servers");
        };
    }
}
