package io.jlvs.dataplane.xdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.kernel.NatServer;
import io.jlvs.dataplane.kernel.OwnedFlow;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the filter puts in the maps for the guard's inputs, and the keys' bytes; no kernel needed. */
class XdpFilterKeysTest {
    private static final int VIP = Ipv4.parse("10.0.0.10");
    private static final int RIP = Ipv4.parse("10.0.1.2");

    @Test
    void eachFlowAndEachDistinctVipForIcmpErrors() {
        Set<XdpFilter.ServiceKey> keys = XdpFilter.serviceKeys(List.of(
                OwnedFlow.service(Protocol.TCP, VIP, 80),
                OwnedFlow.service(Protocol.UDP, VIP, 53),
                OwnedFlow.fwmark(1, Protocol.TCP, Ipv4.parse("10.9.0.0"), 16, 0)));
        assertEquals(Set.of(
                new XdpFilter.ServiceKey(6, 80, VIP, 32),
                new XdpFilter.ServiceKey(17, 53, VIP, 32),
                new XdpFilter.ServiceKey(6, 0, Ipv4.parse("10.9.0.0"), 16),
                new XdpFilter.ServiceKey(1, 0, VIP, 32),
                new XdpFilter.ServiceKey(1, 0, Ipv4.parse("10.9.0.0"), 16)), keys);
    }

    @Test
    void eachNatServerAndEachDistinctAddressForIcmpErrors() {
        Set<XdpFilter.NatKey> keys = XdpFilter.natKeys(List.of(
                new NatServer(Protocol.TCP, RIP, 8080), new NatServer(Protocol.UDP, RIP, 0)));
        assertEquals(Set.of(new XdpFilter.NatKey(6, 8080, RIP), new XdpFilter.NatKey(17, 0, RIP),
                new XdpFilter.NatKey(1, 0, RIP)), keys);
    }

    @Test
    void keysHoldAddressesAndPortsInNetworkOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment service = arena.allocate(XdpProgram.SERVICE_KEY_BYTES);
            new XdpFilter.ServiceKey(6, 80, VIP, 32).write(service);
            assertArrayEquals(new byte[] {
                64, 0, 0, 0,           // prefix bits (host order): 32 for proto/zero/port + 32 for the address
                6, 0,                  // TCP, zero
                0, 80,                 // port 80, big-endian
                10, 0, 0, 10,          // 10.0.0.10
            }, service.toArray(ValueLayout.JAVA_BYTE));
            MemorySegment nat = arena.allocate(XdpProgram.NAT_KEY_BYTES);
            new XdpFilter.NatKey(17, 8080, RIP).write(nat);
            assertArrayEquals(new byte[] {
                17, 0,                 // UDP, zero
                0x1f, (byte) 0x90,     // port 8080, big-endian
                10, 0, 1, 2,           // 10.0.1.2
            }, nat.toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
