package io.jlvs.director.control;

import io.jlvs.director.Log;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.director.metrics.RateEstimator;
import io.jlvs.config.model.ServiceFileDiff;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.time.MonotonicClock;
import io.jlvs.dataplane.service.ServiceTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledFuture;

/**
 * The control plane of a running jlvsd: the control socket ({@link ControlServer}) serving
 * {@link ControlCommands}, the rate estimators sampled every 2 s, and reload on SIGHUP. All
 * of it runs on one control thread. Start it after the data plane, close it before.
 *
 * <p>SIGHUP is caught with {@code sun.misc.Signal} (see {@link Sighup}); the reload's outcome
 * is printed on the log stream.
 */
public final class ControlPlane implements AutoCloseable {
    private final ControlCommands commands;
    private final ControlServer server;
    private final ScheduledFuture<?> estimator;

    private ControlPlane(ControlCommands commands, ControlServer server, ScheduledFuture<?> estimator) {
        this.commands = commands;
        this.server = server;
        this.estimator = estimator;
    }

    /**
     * Starts listening on {@code file.global().controlSocket()}.
     *
     * @param services   the running table, built from {@code file}
     * @param file       the service file as loaded
     * @param configFile the file reload reads again, or {@code null}
     * @param tracker    the connection tracker ({@code -Lnc}), or {@code null}
     * @param timeouts   the tracker's timeouts ({@code --set})
     * @param applier    applies a difference to {@code services} (the health checker's apply, which
     *                   knows the servers its checks took out)
     * @param settle     runs after each command, before it is answered: waits until what the command
     *                   changed is in effect in the kernel too (the director's
     *                   {@code awaitKernelSync})
     * @param log        where reloads on SIGHUP report
     * @throws IOException when the socket cannot be opened (see {@link ControlServer#start})
     */
    public static ControlPlane start(ServiceTable services, ServiceFile file, Path configFile, ConnTracker tracker,
                                     Timeouts timeouts, Consumer<ServiceFileDiff> applier, Runnable settle, Log log)
            throws IOException {
        return start(Path.of(file.global().controlSocket()), new ControlCommands(services, file, configFile,
                tracker, timeouts, MonotonicClock.SYSTEM::nowMs, applier), settle, log, true);
    }

    /**
     * Starts serving {@code commands} on {@code socket}, running {@code settle} after each command
     * before its answer; with {@code onSighup}, SIGHUP reloads.
     */
    static ControlPlane start(Path socket, ControlCommands commands, Runnable settle, Log log, boolean onSighup)
            throws IOException {
        ControlServer server = ControlServer.start(socket, request -> {
            ControlResponse response = commands.execute(request);
            settle.run();
            return response;
        });
        ScheduledFuture<?> estimator = server.every(RateEstimator.PERIOD_MS, commands::sampleRates);
        if (onSighup) {
            String refused = Sighup.install(() -> server.submit(() -> {
                ControlResponse r = commands.reload();
                r.stdout().lines().forEach(line -> log.info(withoutName(line)));
                r.stderr().lines().forEach(line -> log.error(withoutName(line)));
            }));
            if (refused != null) {
                log.warn("no reload on SIGHUP (" + refused + "); use jlvsadm --reload");
            }
        }
        return new ControlPlane(commands, server, estimator);
    }

    /** A reply line for the log, without the {@code jlvsd: } that jlvsadm's users see and the log adds itself. */
    private static String withoutName(String line) {
        return line.startsWith("jlvsd: ") ? line.substring("jlvsd: ".length()) : line;
    }

    /** The command executor. */
    public ControlCommands commands() {
        return commands;
    }

    /** The control socket path. */
    public Path socket() {
        return server.path();
    }

    /** Stops the estimator and the socket, and removes the socket file. */
    @Override
    public void close() {
        estimator.cancel(false);
        server.close();
    }
}
