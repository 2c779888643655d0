package io.jlvs.director.adm;

/**
 * The options of ipvsadm 1.31 in the order of its command/option legality table, each with
 * the name ipvsadm prints in its messages ({@code multiple 'weight' options specified}).
 * Several spellings map to one option: {@code -t}, {@code -u}, {@code --sctp-service} and
 * {@code -f} are all {@link #SERVICE}; {@code -g}, {@code -i} and {@code -m} are all
 * {@link #FORWARD}.
 */
public enum AdmOption {
    NUMERIC("numeric"),
    CONNECTION("connection"),
    SERVICE("service-address"),
    SCHEDULER("scheduler"),
    PERSISTENT("persistent"),
    NETMASK("netmask"),
    SERVER("real-server"),
    FORWARD("forwarding-method"),
    WEIGHT("weight"),
    U_THRESHOLD("u-threshold"),
    L_THRESHOLD("l-threshold"),
    MCAST_INTERFACE("mcast-interface"),
    TIMEOUT("timeout"),
    DAEMON("daemon"),
    STATS("stats"),
    RATE("rate"),
    THRESHOLDS("thresholds"),
    PERSISTENT_CONN("persistent-conn"),
    NOSORT("nosort"),
    SYNCID("syncid"),
    EXACT("exact"),
    ONE_PACKET("ops"),
    PERSISTENCE_ENGINE("pe"),
    SCHED_FLAGS("sched-flags"),
    MCAST_GROUP("mcast-group"),
    MCAST_PORT("mcast-port"),
    MCAST_TTL("mcast-ttl"),
    SYNC_MAXLEN("sync-maxlen"),
    TUN_INFO("tun-info"),
    TUN_TYPE("tun-type"),
    TUN_PORT("tun-port"),
    TUN_NOCSUM("tun-nocsum"),
    TUN_CSUM("tun-csum"),
    TUN_REMCSUM("tun-remcsum");

    private final String optionName;

    AdmOption(String optionName) {
        this.optionName = optionName;
    }

    /** The name in ipvsadm's messages. */
    public String optionName() {
        return optionName;
    }
}
