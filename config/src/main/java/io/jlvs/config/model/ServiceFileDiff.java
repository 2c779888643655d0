package io.jlvs.config.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What changes between a running service file and a new one, as hot reload applies it.
 * Services are matched by {@link ServiceKey}, real servers by address and port; a change
 * of key is a removal plus an addition.
 *
 * @param globalKeysChanged YAML keys under {@code global} whose values differ
 *                          ({@code interfaces}, {@code workers}, {@code timeouts}...)
 * @param added             services only in the new file, in its order
 * @param removed           services only in the old file, in its order
 * @param changed           services in both that differ in any way, in the new file's order
 */
public record ServiceFileDiff(List<String> globalKeysChanged, List<ServiceSpec> added,
                              List<ServiceSpec> removed, List<ServiceChange> changed) {
    /** Copies the lists. */
    public ServiceFileDiff {
        globalKeysChanged = List.copyOf(globalKeysChanged);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /** The difference from {@code before} to {@code after}. */
    public static ServiceFileDiff between(ServiceFile before, ServiceFile after) {
        List<ServiceSpec> added = new ArrayList<>();
        List<ServiceChange> changed = new ArrayList<>();
        for (ServiceSpec next : after.services()) {
            Optional<ServiceSpec> previous = before.service(next.key());
            if (previous.isEmpty()) {
                added.add(next);
            } else if (!previous.get().equals(next)) {
                changed.add(ServiceChange.between(previous.get(), next));
            }
        }
        List<ServiceSpec> removed = new ArrayList<>();
        for (ServiceSpec previous : before.services()) {
            if (after.service(previous.key()).isEmpty()) {
                removed.add(previous);
            }
        }
        return new ServiceFileDiff(globalChanges(before.global(), after.global()), added, removed, changed);
    }

    private static List<String> globalChanges(GlobalSettings before, GlobalSettings after) {
        List<String> keys = new ArrayList<>();
        if (!before.interfaces().equals(after.interfaces())) {
            keys.add("interfaces");
        }
        if (before.workers() != after.workers()) {
            keys.add("workers");
        }
        if (before.connectionTableCapacity() != after.connectionTableCapacity()) {
            keys.add("connection-table-capacity");
        }
        if (!before.timeouts().equals(after.timeouts())) {
            keys.add("timeouts");
        }
        if (!before.metricsListen().equals(after.metricsListen())) {
            keys.add("metrics-listen");
        }
        if (!before.controlSocket().equals(after.controlSocket())) {
            keys.add("control-socket");
        }
        if (!before.io().equals(after.io())) {
            keys.add("io");
        }
        if (!before.defense().equals(after.defense())) {
            keys.add("defense");
        }
        return keys;
    }

    /** Whether the two files are the same. */
    public boolean isEmpty() {
        return globalKeysChanged.isEmpty() && added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    /**
     * A service kept across the reload with some difference.
     *
     * @param before             the service in the old file
     * @param after              the service in the new file
     * @param schedulerChanged   the scheduler name differs (its state starts fresh, as with
     *                           {@code ipvsadm -E -s other})
     * @param flagsChanged       the scheduler flags differ
     * @param persistenceChanged persistence was added, removed, or its timeout or netmask differ
     * @param serversAdded       servers only in the new service, in its order
     * @param serversRemoved     servers only in the old service, in its order
     * @param serversEdited      servers in both whose weight, method, thresholds or own health check differ
     */
    public record ServiceChange(ServiceSpec before, ServiceSpec after, boolean schedulerChanged,
                                boolean flagsChanged, boolean persistenceChanged,
                                List<RealServerSpec> serversAdded, List<RealServerSpec> serversRemoved,
                                List<ServerChange> serversEdited) {
        /** Copies the lists. */
        public ServiceChange {
            serversAdded = List.copyOf(serversAdded);
            serversRemoved = List.copyOf(serversRemoved);
            serversEdited = List.copyOf(serversEdited);
        }

        /** The change from one version of a service to another with the same key. */
        public static ServiceChange between(ServiceSpec before, ServiceSpec after) {
            if (!before.key().equals(after.key())) {
                throw new IllegalArgumentException("not the same service: " + before.key() + " and " + after.key());
            }
            List<RealServerSpec> added = new ArrayList<>();
            List<ServerChange> edited = new ArrayList<>();
            for (RealServerSpec next : after.servers()) {
                Optional<RealServerSpec> previous = before.server(next.address(), next.port());
                if (previous.isEmpty()) {
                    added.add(next);
                } else if (!previous.get().equals(next)) {
                    edited.add(new ServerChange(previous.get(), next));
                }
            }
            List<RealServerSpec> removed = new ArrayList<>();
            for (RealServerSpec previous : before.servers()) {
                if (after.server(previous.address(), previous.port()).isEmpty()) {
                    removed.add(previous);
                }
            }
            return new ServiceChange(before, after, !before.scheduler().equals(after.scheduler()),
                    before.schedulerFlags() != after.schedulerFlags(),
                    !Objects.equals(before.persistence(), after.persistence()), added, removed, edited);
        }

        /** The service's own health-check block differs (servers' own blocks: {@link ServerChange}). */
        public boolean healthCheckChanged() {
            return !before.healthCheck().equals(after.healthCheck());
        }

        /**
         * Whether the check that applies to a server kept across the reload differs, through the
         * service's block or its own.
         */
        public boolean healthCheckChanged(RealServerSpec server) {
            Optional<RealServerSpec> old = before.server(server.address(), server.port());
            Optional<RealServerSpec> now = after.server(server.address(), server.port());
            return old.isPresent() && now.isPresent()
                    && !before.healthCheckOf(old.get()).equals(after.healthCheckOf(now.get()));
        }
    }

    /**
     * A real server kept across the reload whose settings differ.
     *
     * @param before its settings in the old file
     * @param after  its settings in the new file (same address and port)
     */
    public record ServerChange(RealServerSpec before, RealServerSpec after) {
        /** Checks that both describe the same server. */
        public ServerChange {
            if (!before.sameServer(after)) {
                throw new IllegalArgumentException("not the same server: " + before.endpoint()
                        + " and " + after.endpoint());
            }
        }

        public boolean weightChanged() {
            return before.weight() != after.weight();
        }

        public boolean methodChanged() {
            return before.method() != after.method();
        }

        /** The server's own health-check block differs. */
        public boolean healthCheckChanged() {
            return !before.healthCheck().equals(after.healthCheck());
        }

        /** The upper or lower threshold differs. */
        public boolean thresholdsChanged() {
            return before.upperThreshold() != after.upperThreshold()
                    || before.lowerThreshold() != after.lowerThreshold();
        }
    }
}
