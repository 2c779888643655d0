package io.jlvs.director.health;

import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.ServiceKey;

/**
 * The health of one checked real server at one moment, for {@code /metrics} and {@code /status}.
 *
 * @param service         the server's service
 * @param address         the server's IPv4 address, host byte order
 * @param port            the server's port, host byte order
 * @param check           the check that applies to it
 * @param isUp            whether it counts as up (a server starts up)
 * @param checks          checks completed
 * @param failures        checks failed
 * @param downTransitions times it went down
 * @param upTransitions   times it came back up
 * @param lastCheckOk     whether the last completed check succeeded (true before the first)
 * @param lastFailure     why the last failed check failed, or empty
 */
public record ServerHealth(ServiceKey service, int address, int port, HealthCheck check, boolean isUp, long checks,
                           long failures, long downTransitions, long upTransitions, boolean lastCheckOk,
                           String lastFailure) {
}
