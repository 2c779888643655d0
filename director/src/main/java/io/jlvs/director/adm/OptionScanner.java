package io.jlvs.director.adm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an argument vector into options the way popt, ipvsadm's option library, does:
 * short options cluster ({@code -Lnc}); an option's value may be attached ({@code -w3},
 * {@code --weight=3}) or be the next word, which a required value takes whatever it looks
 * like ({@code -w -1}); an optional value ({@code -p}) takes the next word only when it
 * does not start with {@code -}; words that are not options are kept as leftovers in
 * order, wherever they stand; {@code --} ends the options.
 */
final class OptionScanner {
    /** How an option takes a value. */
    enum Arg { NONE, REQUIRED, OPTIONAL }

    /** ipvsadm's option table: long name, short letter (NUL for none) and value. */
    enum Tag {
        ADD_SERVICE("add-service", 'A', Arg.NONE),
        EDIT_SERVICE("edit-service", 'E', Arg.NONE),
        DELETE_SERVICE("delete-service", 'D', Arg.NONE),
        CLEAR("clear", 'C', Arg.NONE),
        LIST("list", 'L', Arg.NONE),
        LIST_LOWER("list", 'l', Arg.NONE),
        ZERO("zero", 'Z', Arg.NONE),
        ADD_SERVER("add-server", 'a', Arg.NONE),
        EDIT_SERVER("edit-server", 'e', Arg.NONE),
        DELETE_SERVER("delete-server", 'd', Arg.NONE),
        SET("set", '\0', Arg.NONE),
        HELP("help", 'h', Arg.NONE),
        VERSION("version", 'v', Arg.NONE),
        RESTORE("restore", 'R', Arg.NONE),
        SAVE("save", 'S', Arg.NONE),
        START_DAEMON("start-daemon", '\0', Arg.REQUIRED),
        STOP_DAEMON("stop-daemon", '\0', Arg.REQUIRED),
        TCP_SERVICE("tcp-service", 't', Arg.REQUIRED),
        UDP_SERVICE("udp-service", 'u', Arg.REQUIRED),
        SCTP_SERVICE("sctp-service", '\0', Arg.REQUIRED),
        FWMARK_SERVICE("fwmark-service", 'f', Arg.REQUIRED),
        SCHEDULER("scheduler", 's', Arg.REQUIRED),
        PERSISTENT("persistent", 'p', Arg.OPTIONAL),
        NETMASK("netmask", 'M', Arg.REQUIRED),
        REAL_SERVER("real-server", 'r', Arg.REQUIRED),
        MASQUERADING("masquerading", 'm', Arg.NONE),
        IPIP("ipip", 'i', Arg.NONE),
        GATEWAYING("gatewaying", 'g', Arg.NONE),
        WEIGHT("weight", 'w', Arg.REQUIRED),
        U_THRESHOLD("u-threshold", 'x', Arg.REQUIRED),
        L_THRESHOLD("l-threshold", 'y', Arg.REQUIRED),
        NUMERIC("numeric", 'n', Arg.NONE),
        CONNECTION("connection", 'c', Arg.NONE),
        MCAST_INTERFACE("mcast-interface", '\0', Arg.REQUIRED),
        SYNCID("syncid", '\0', Arg.REQUIRED),
        TIMEOUT("timeout", '\0', Arg.NONE),
        DAEMON("daemon", '\0', Arg.NONE),
        STATS("stats", '\0', Arg.NONE),
        RATE("rate", '\0', Arg.NONE),
        THRESHOLDS("thresholds", '\0', Arg.NONE),
        PERSISTENT_CONN("persistent-conn", '\0', Arg.NONE),
        NOSORT("nosort", '\0', Arg.NONE),
        SORT("sort", '\0', Arg.NONE),
        EXACT("exact", 'X', Arg.NONE),
        IPV6("ipv6", '6', Arg.NONE),
        OPS("ops", 'o', Arg.NONE),
        PE("pe", '\0', Arg.REQUIRED),
        SCHED_FLAGS("sched-flags", 'b', Arg.REQUIRED),
        MCAST_GROUP("mcast-group", '\0', Arg.REQUIRED),
        MCAST_PORT("mcast-port", '\0', Arg.REQUIRED),
        MCAST_TTL("mcast-ttl", '\0', Arg.REQUIRED),
        SYNC_MAXLEN("sync-maxlen", '\0', Arg.REQUIRED),
        TUN_INFO("tun-info", '\0', Arg.NONE),
        TUN_TYPE("tun-type", '\0', Arg.REQUIRED),
        TUN_PORT("tun-port", '\0', Arg.REQUIRED),
        TUN_NOCSUM("tun-nocsum", '\0', Arg.NONE),
        TUN_CSUM("tun-csum", '\0', Arg.NONE),
        TUN_REMCSUM("tun-remcsum", '\0', Arg.NONE);

        final String longName;
        final char shortName;
        final Arg arg;

        Tag(String longName, char shortName, Arg arg) {
            this.longName = longName;
            this.shortName = shortName;
            this.arg = arg;
        }

        static Tag ofShort(char letter) {
            for (Tag tag : values()) {
                if (tag.shortName != '\0' && tag.shortName == letter) {
                    return tag;
                }
            }
            return null;
        }

        static Tag ofLong(String name) {
            for (Tag tag : values()) {
                if (tag.longName.equals(name)) {
                    return tag;
                }
            }
            return null;
        }
    }

    /**
     * One option found.
     *
     * @param tag     which option
     * @param value   its value, or {@code null} when it has none
     * @param word    the argument word it was found in, as popt reports a bad option
     */
    record Match(Tag tag, String value, String word) {
    }

    /** An option-syntax error, reported as popt does: {@code -t: missing argument}. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxError(String word, String reason) {
            super(word + ": " + reason, null, false, false);
        }
    }

    private final List<String> args;
    private final List<String> leftovers = new ArrayList<>();
    private int next;
    private String cluster;
    private String clusterWord;
    private boolean optionsEnded;

    OptionScanner(List<String> args) {
        this.args = List.copyOf(args);
    }

    /** The next option, or {@code null} at the end of the arguments. */
    Match next() throws SyntaxError {
        while (true) {
            if (cluster != null && !cluster.isEmpty()) {
                return shortOption();
            }
            cluster = null;
            if (next >= args.size()) {
                return null;
            }
            String word = args.get(next++);
            if (optionsEnded || word.length() < 2 || word.charAt(0) != '-') {
                leftovers.add(word);
            } else if (word.equals("--")) {
                optionsEnded = true;
            } else if (word.startsWith("--")) {
                return longOption(word);
            } else {
                cluster = word.substring(1);
                clusterWord = word;
            }
        }
    }

    /** The words that were not options, in order. */
    List<String> leftovers() {
        return List.copyOf(leftovers);
    }

    private Match shortOption() throws SyntaxError {
        Tag tag = Tag.ofShort(cluster.charAt(0));
        String rest = cluster.substring(1);
        if (tag == null) {
            cluster = null;
            throw new SyntaxError(clusterWord, "unknown option");
        }
        if (tag.arg == Arg.NONE) {
            cluster = rest;
            return new Match(tag, null, clusterWord);
        }
        cluster = null;
        if (!rest.isEmpty()) {
            return new Match(tag, rest.startsWith("=") ? rest.substring(1) : rest, clusterWord);
        }
        return new Match(tag, separateValue(tag, clusterWord), clusterWord);
    }

    private Match longOption(String word) throws SyntaxError {
        int equals = word.indexOf('=');
        String name = equals < 0 ? word.substring(2) : word.substring(2, equals);
        Tag tag = Tag.ofLong(name);
        if (tag == null) {
            throw new SyntaxError(word, "unknown option");
        }
        if (equals >= 0) {
            if (tag.arg == Arg.NONE) {
                throw new SyntaxError(word, "option does not take an argument");
            }
            return new Match(tag, word.substring(equals + 1), word);
        }
        return new Match(tag, tag.arg == Arg.NONE ? null : separateValue(tag, word), word);
    }

    private String separateValue(Tag tag, String word) throws SyntaxError {
        if (tag.arg == Arg.OPTIONAL) {
            if (next < args.size() && !args.get(next).startsWith("-")) {
                return args.get(next++);
            }
            return null;
        }
        if (next >= args.size()) {
            throw new SyntaxError(word, "missing argument");
        }
        return args.get(next++);
    }
}
