package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft script and counter parsing, without running nft. */
class NftGuardTest {
    @Test
    void scriptReplacesTheTableWithOneChainPerInterface() {
        NftGuard.Rules rules = new NftGuard.Rules(List.of("eth1", "eth2.10"),
                List.of(OwnedFlow.service(Protocol.TCP, Ipv4.parse("10.0.0.10"), 80)),
                List.of(new NatServer(Protocol.UDP, Ipv4.parse("10.0.1.2"), 5353)));
        String expected = """
                table netdev jlvs
                delete table netdev jlvs
                table netdev jlvs {
                \tchain ingress_eth1 {
                \t\ttype filter hook ingress device "eth1" priority -500; policy accept;
                \t\tip daddr 10.0.0.10 tcp dport 80 counter drop comment "service TCP 10.0.0.10:80"
                \t\tip saddr 10.0.1.2 udp sport 5353 fib daddr type != local counter drop comment "nat reply UDP 10.0.1.2:5353"
                \t}
                \tchain ingress_eth2_10 {
                \t\ttype filter hook ingress device "eth2.10" priority -500; policy accept;
                \t\tip daddr 10.0.0.10 tcp dport 80 counter drop comment "service TCP 10.0.0.10:80"
                \t\tip saddr 10.0.1.2 udp sport 5353 fib daddr type != local counter drop comment "nat reply UDP 10.0.1.2:5353"
                \t}
                }
                """;
        assertEquals(expected, NftGuard.script("jlvs", rules));
    }

    @Test
    void repeatedFlowsGiveOneRule() {
        OwnedFlow flow = OwnedFlow.service(Protocol.TCP, Ipv4.parse("10.0.0.10"), 80);
        assertEquals(List.of(flow), new NftGuard.Rules(List.of("eth1"), List.of(flow, flow), List.of()).flows());
    }

    @Test
    void allPortsServiceMatchesTheProtocolOnly() {
        assertEquals("ip daddr 10.0.0.10 ip protocol udp counter drop comment \"service UDP 10.0.0.10:*\"",
                NftGuard.flowRule(OwnedFlow.service(Protocol.UDP, Ipv4.parse("10.0.0.10"), 0)));
        assertEquals("ip saddr 10.0.1.2 ip protocol tcp fib daddr type != local counter drop "
                + "comment \"nat reply TCP 10.0.1.2:*\"",
                NftGuard.natRule(new NatServer(Protocol.TCP, Ipv4.parse("10.0.1.2"), 0)));
    }

    @Test
    void fwmarkFlowsMatchTheirSelectors() {
        assertEquals("ip daddr 10.0.0.0/24 sctp dport 9000 counter drop comment \"fwmark 7 SCTP 10.0.0.0/24:9000\"",
                NftGuard.flowRule(OwnedFlow.fwmark(7, Protocol.SCTP, Ipv4.parse("10.0.0.77"), 24, 9000)));
    }

    @Test
    void chainNamesStayUniqueAfterSanitising() {
        String script = NftGuard.script("jlvs", new NftGuard.Rules(List.of("a-b", "a.b"), List.of(), List.of()));
        assertEquals(true, script.contains("chain ingress_a_b {"), script);
        assertEquals(true, script.contains("chain ingress_a_b_2 {"), script);
    }

    @Test
    void rejectsImpossibleInterfaceNames() {
        assertThrows(IllegalArgumentException.class, () -> new NftGuard.Rules(List.of("eth\"0"), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new NftGuard.Rules(List.of("a b"), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new NftGuard.Rules(List.of("sixteen-chars-xx"), List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new NftGuard.Rules(List.of("eth0", "eth0"), List.of(), List.of()));
    }

    @Test
    void rejectsBadFlows() {
        assertThrows(IllegalArgumentException.class, () -> OwnedFlow.service(Protocol.TCP, 1, 70000));
        assertThrows(IllegalArgumentException.class, () -> OwnedFlow.fwmark(1, Protocol.TCP, 1, 0, 80));
        assertThrows(IllegalArgumentException.class, () -> new NatServer(Protocol.TCP, 1, -1));
    }

    @Test
    void parsesRuleCounters() {
        String listing = """
                table netdev jlvs {
                	chain ingress_kta {
                		type filter hook ingress device "kta" priority -500; policy accept;
                		ip daddr 10.77.0.50 tcp dport 80 counter packets 2 bytes 120 drop comment "service TCP 10.77.0.50:80"
                		ip saddr 10.77.0.2 tcp sport 8080 fib daddr type != local counter packets 0 bytes 0 drop
                	}
                }
                """;
        assertEquals(List.of(
                new NftGuard.RuleCounter("ingress_kta", "service TCP 10.77.0.50:80", 2, 120),
                new NftGuard.RuleCounter("ingress_kta", "", 0, 0)), NftGuard.parseCounters(listing));
    }
}
