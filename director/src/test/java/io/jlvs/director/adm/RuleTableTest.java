package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.Persistence;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Applying commands with the kernel's refusals, and conversion to and from the service file model. */
class RuleTableTest {
    private static final GlobalSettings GLOBAL = GlobalSettings.defaults(List.of("eth0"));
    private final AdmParser parser = new AdmParser();
    private final RuleTable table = new RuleTable();

    private Optional<String> apply(String line) {
        AdmResult result = parser.parse(Arrays.asList(line.split(" ")));
        return table.apply(((AdmResult.Parsed) result).command());
    }

    @Test
    void refusesAsTheKernelDoes() {
        assertEquals(Optional.empty(), apply("-A -t 10.0.0.1:80"));
        assertEquals(Optional.of("Service already exists"), apply("-A -t 10.0.0.1:80 -s rr"));
        assertEquals(Optional.of("No such service"), apply("-E -t 10.0.0.2:80"));
        assertEquals(Optional.of("No such service"), apply("-D -t 10.0.0.2:80"));
        assertEquals(Optional.of("Service not defined"), apply("-a -t 10.0.0.2:80 -r 192.168.1.1"));
        assertEquals(Optional.empty(), apply("-a -t 10.0.0.1:80 -r 192.168.1.1"));
        assertEquals(Optional.of("Destination already exists"), apply("-a -t 10.0.0.1:80 -r 192.168.1.1 -w 3"));
        assertEquals(Optional.of("No such destination"), apply("-e -t 10.0.0.1:80 -r 192.168.1.2"));
        assertEquals(Optional.of("No such destination"), apply("-d -t 10.0.0.1:80 -r 192.168.1.2"));
        assertEquals(Optional.of("Scheduler or persistence engine not found"), apply("-A -t 10.0.0.3:80 -s fast"));
        assertEquals(Optional.of("Numerical result out of range"), apply("-e -t 10.0.0.1:80 -r 192.168.1.1 -y 5"));
    }

    @Test
    void editsReplaceAndDeletesRemove() {
        apply("-A -t 10.0.0.1:80 -s wrr -p 60");
        apply("-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -m -w 5");
        apply("-a -t 10.0.0.1:80 -r 192.168.1.2:80 -m -w 4");
        assertEquals(Optional.empty(), apply("-E -t 10.0.0.1:80"));
        assertEquals(Optional.of("No such destination"), apply("-e -t 10.0.0.1:80 -r 192.168.1.1:8080 -w 0"),
                "without -m the edit is DR, whose port is forced to the service port 80");
        assertEquals(Optional.empty(), apply("-e -t 10.0.0.1:80 -r 192.168.1.2 -w 0"));
        assertEquals("-A -t 10.0.0.1:80 -s wlc\n-a -t 10.0.0.1:80 -r 192.168.1.1:8080 -m -w 5\n"
                + "-a -t 10.0.0.1:80 -r 192.168.1.2:80 -g -w 0\n", AdmFormatter.save(table.views()),
                "-E dropped the scheduler and persistence; -e without -m turned the NAT server into DR");
        apply("-d -t 10.0.0.1:80 -r 192.168.1.1:8080");
        apply("-D -t 10.0.0.1:80");
        assertTrue(table.views().isEmpty());
        apply("-A -u 10.0.0.1:53");
        apply("-C");
        assertTrue(table.views().isEmpty());
    }

    @Test
    void convertsToServiceFile() {
        for (String line : Fixtures.resource("golden-save-numeric.txt").split("\n")) {
            assertEquals(Optional.empty(), apply(line));
        }
        RuleTable.Conversion conversion = table.toServiceFile(GLOBAL);
        assertEquals(List.of(), conversion.problems());
        ServiceFile file = conversion.file();
        assertEquals(3, file.services().size());
        ServiceSpec https = file.service(new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 443))
                .orElseThrow();
        assertEquals("sh", https.scheduler());
        assertEquals(0x18, https.schedulerFlags());
        assertEquals(Optional.of(new Persistence(360, Ipv4.parse("255.255.255.0"))), https.persistence());
        assertEquals(List.of(new RealServerSpec(Ipv4.parse("10.1.1.2"), 443, 1, ForwardingMethod.TUNNEL, 0, 0),
                new RealServerSpec(Ipv4.parse("10.1.1.10"), 443, 1, ForwardingMethod.TUNNEL, 0, 0)), https.servers());
        assertEquals(AdmFormatter.save(table.views()), AdmFormatter.save(RuleTable.of(file).views()),
                "service file back to rules gives the same -S text");
    }

    @Test
    void namesWhatTheServiceFileCannotHold() {
        apply("-A --sctp-service 10.0.0.1:9");
        apply("-A -u 10.0.0.1:53 -o --pe sip");
        apply("-a -u 10.0.0.1:53 -r 192.168.1.1 -i --tun-type gre");
        apply("-A -t 10.0.0.1:80 -p -M 255.0.255.0");
        RuleTable.Conversion conversion = table.toServiceFile(GLOBAL);
        assertEquals(List.of(
                "--sctp-service 10.0.0.1:9: SCTP services are not supported; service left out",
                "-u 10.0.0.1:53: persistence engine 'sip' not supported; left out",
                "-u 10.0.0.1:53 -r 192.168.1.1:53: tunnel type gre not supported; server left out",
                "-t 10.0.0.1:80: persistence netmask is not contiguous; service left out"), conversion.problems());
        assertEquals(1, conversion.file().services().size());
        assertEquals(List.of(), conversion.file().services().get(0).servers());
        assertTrue(conversion.file().services().get(0).onePacket(), "-o is kept: one-packet: true");
    }

    @Test
    void onePacketSchedulingGoesIntoTheServiceFileAndBackIntoTheListing() {
        apply("-A -u 10.0.0.1:53 -s rr -o");
        apply("-a -u 10.0.0.1:53 -r 192.168.1.1 -g");
        ServiceFile file = table.toServiceFile(GLOBAL).file();
        assertTrue(file.services().get(0).onePacket());
        assertEquals(AdmFormatter.save(table.views()), AdmFormatter.save(RuleTable.of(file).views()),
                "service file back to rules gives the same -S text, -o included");
        assertTrue(AdmFormatter.save(RuleTable.of(file).views()).contains("-A -u 10.0.0.1:53 -s rr -o"),
                AdmFormatter.save(RuleTable.of(file).views()));
    }
}
