package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ipvsadm -Lnc} rows, compared with the example of IPVS-SEMANTICS §4.2. */
class ConnListingTest {
    private static final int VIP = Ipv4.parse("192.168.10.100");

    @Test
    void rowsMatchTheIpvsadmExample() {
        try (ConnTable table = new ConnTable(64)) {
            DestinationRegistry registry = new DestinationRegistry(4);
            Destination rs81 = new Destination(Ipv4.parse("192.168.188.81"), 80, ForwardingMethod.MASQ, 1);
            Destination rs82 = new Destination(Ipv4.parse("192.168.188.82"), 80, ForwardingMethod.MASQ, 1);
            Destination dns = new Destination(Ipv4.parse("192.168.20.1"), 53, ForwardingMethod.ROUTE, 2);
            registry.register(rs81);
            registry.register(rs82);
            registry.register(dns);
            ConnTracker tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls());
            ConnResult result = new ConnResult();
            TrackedService web82 = TrackedService.of(6, VIP, 80, new SequenceScheduler(rs82));
            TrackedService web81 = TrackedService.of(6, VIP, 80, new SequenceScheduler(rs81));
            TrackedService udp = TrackedService.of(17, VIP, 53, new SequenceScheduler(dns));

            tracker.inPacket(web82, 6, Ipv4.parse("203.0.113.5"), 51022, VIP, 80, 0x02, 60, 0, result);
            tracker.inPacket(web82, 6, Ipv4.parse("203.0.113.5"), 51022, VIP, 80, 0x10, 52, 0, result);
            tracker.inPacket(web81, 6, Ipv4.parse("203.0.113.6"), 40110, VIP, 80, 0x02, 60, 0, result);
            tracker.inPacket(udp, 17, Ipv4.parse("198.51.100.7"), 40001, VIP, 53, 0, 80, 0, result);

            // One millisecond after the last packet, as in the kernel's listing of a fresh entry.
            List<String> rows = ConnListing.rows(table, 1);
            assertEquals(3, rows.size());
            assertTrue(rows.contains("TCP 14:59  ESTABLISHED 203.0.113.5:51022  192.168.10.100:80  192.168.188.82:80"), rows.toString());
            assertTrue(rows.contains("TCP 00:59  SYN_RECV    203.0.113.6:40110  192.168.10.100:80  192.168.188.81:80"), rows.toString());
            assertTrue(rows.contains("UDP 04:59  UDP         198.51.100.7:40001 192.168.10.100:53  192.168.20.1:53"), rows.toString());
            assertTrue(ConnListing.HEADER.endsWith("pro expire state       source             virtual            destination"));
        }
    }

    @Test
    void minutesMayExceed99() {
        ConnView v = new ConnView();
        v.protocol = 6;
        v.flags = ConnTable.F_TEMPLATE | ConnTable.F_ASSURED;
        v.expiryCs = ConnTracker.centis(2_678_400_000L);
        assertTrue(ConnListing.row(v, 1).startsWith("TCP 44639:59 ASSURED "), ConnListing.row(v, 1));
    }
}
