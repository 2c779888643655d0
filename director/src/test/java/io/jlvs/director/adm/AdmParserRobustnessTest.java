package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random argument vectors built from ipvsadm's words and bad values: the parser always
 * answers with a command or a message and exit status, never an exception, and a command
 * it accepts formats and re-parses through {@code -S}.
 */
class AdmParserRobustnessTest {
    private static final String[] WORDS = {
        "-A", "-E", "-D", "-C", "-R", "-S", "-a", "-e", "-d", "-L", "-l", "-Z", "--set", "-Ln", "-Lnc", "-Sn",
        "-t", "-u", "-f", "--sctp-service", "-s", "-p", "-M", "-b", "-r", "-g", "-i", "-m", "-w", "-x", "-y",
        "-n", "-c", "-o", "-6", "--stats", "--rate", "--timeout", "--exact", "--thresholds", "--persistent-conn",
        "--sort", "--nosort", "--tun-info", "--tun-type", "--tun-port", "--tun-csum", "--tun-nocsum",
        "--tun-remcsum", "--pe", "--daemon", "--syncid", "--mcast-group", "--start-daemon", "--", "-",
        "--weight=", "-p=", "10.0.0.1:80", "10.0.0.1", "192.168.1.1:8080", "255.255.255.0", "0", "1", "360",
        "-1", "65536", "2678401", "sh", "mh", "wrr", "sh-port,sh-fallback", "flag-3", ",", "gue", "gre", "ipip",
        "master", "x", "", "::1", "[::1]:80", "4294967296", "1.2.3.4:99999", "-Xp", "-pn", "--bogus", "-?",
    };

    @Test
    void randomArgumentVectorsNeverThrow() {
        Random random = new Random(20261121);
        AdmParser parser = new AdmParser();
        int parsed = 0;
        int saved = 0;
        for (int round = 0; round < 20_000; round++) {
            List<String> args = new ArrayList<>();
            if (random.nextBoolean()) {
                args.addAll(List.of("-A", "-t", "10.0.0.1:80"));
            }
            int length = random.nextInt(9);
            for (int i = 0; i < length; i++) {
                args.add(WORDS[random.nextInt(WORDS.length)]);
            }
            AdmResult result = parser.parse(args);
            assertNotNull(result);
            if (result instanceof AdmResult.Failed failed) {
                assertFalse(failed.message().isEmpty(), args.toString());
                assertTrue(failed.exitCode() == AdmResult.EXIT_BAD_OPTION
                        || failed.exitCode() == AdmResult.EXIT_TRY_HELP, args.toString());
            } else {
                parsed++;
                AdmCommand command = ((AdmResult.Parsed) result).command();
                boolean unnamedFlags = command.serviceOptions().schedulerFlags() != 0
                        && AdmFormatter.schedulerFlagNames(command.serviceOptions()).isEmpty();
                if (command.kind() == AdmCommandKind.ADD_SERVICE && !unnamedFlags) {
                    reparsesThroughSave(parser, command);
                    saved++;
                }
            }
        }
        assertTrue(parsed > 100, "the vocabulary should produce some valid commands, got " + parsed);
        assertTrue(saved > 100, "and some services to save, got " + saved);
    }

    /** -S writes -M only for persistent services, as ipvsadm; everything else must come back. */
    private static void reparsesThroughSave(AdmParser parser, AdmCommand command) {
        ServiceView view = new ServiceView(command.service().orElseThrow(), command.serviceOptions(), StatsView.ZERO,
                List.of());
        String rule = AdmFormatter.save(List.of(view)).strip();
        AdmResult again = parser.parse(List.of(rule.split(" ")));
        AdmCommand reparsed = ((AdmResult.Parsed) again).command();
        ServiceOptions expected = command.serviceOptions();
        if (!expected.isPersistent()) {
            expected = new ServiceOptions(expected.scheduler(), expected.schedulerFlags(), 0,
                    ServiceOptions.DEFAULT.netmask(), expected.persistenceEngine(), expected.onePacket());
        }
        assertTrue(reparsed.service().equals(command.service()) && reparsed.serviceOptions().equals(expected),
                rule + " from " + command);
    }
}
