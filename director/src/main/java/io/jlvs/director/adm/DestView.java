package io.jlvs.director.adm;

/**
 * A real server as a listing shows it: its settings, connection counts and statistics.
 *
 * @param server        address, port and settings
 * @param activeConns   ActiveConn, unsigned
 * @param inactConns    InActConn, unsigned
 * @param persistConns  templates pointing at this server ({@code --persistent-conn}), unsigned
 * @param stats         counters and rates
 */
public record DestView(ServerOptions server, int activeConns, int inactConns, int persistConns, StatsView stats) {
    /** Checks that nothing is null. */
    public DestView {
        if (server == null || stats == null) {
            throw new IllegalArgumentException("server and stats are required");
        }
    }

    /** A server with no connections and zero statistics. */
    public static DestView idle(ServerOptions server) {
        return new DestView(server, 0, 0, 0, StatsView.ZERO);
    }
}
