package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.conn.ConnResult;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnView;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.DestinationRegistry;
import io.jlvs.core.conn.SequenceScheduler;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ipvsadm -Lnc} rows from the connection table, compared with the example of IPVS-SEMANTICS §4.2. */
class ConnRowTest {
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

            tracker.inPacket(web82, 6, Ipv4.parse("203.0.113.5"), 51022, VIP, 80, 0x02, 0, result);
            tracker.inPacket(web82, 6, Ipv4.parse("203.0.113.5"), 51022, VIP, 80, 0x10, 0, result);
            tracker.inPacket(web81, 6, Ipv4.parse("203.0.113.6"), 40110, VIP, 80, 0x02, 0, result);
            tracker.inPacket(udp, 17, Ipv4.parse("198.51.100.7"), 40001, VIP, 53, 0, 0, result);

            // One millisecond after the last packet, as in the kernel's listing of a fresh entry.
            List<String> rows = AdmFormatter.connections(ConnRow.of(table, 1), false).lines().toList();
            assertEquals(5, rows.size(), rows.toString());
            assertEquals("IPVS connection entries", rows.get(0));
            assertEquals("pro expire state       source             virtual            destination", rows.get(1));
            assertTrue(rows.contains("TCP 14:59  ESTABLISHED 203.0.113.5:51022  192.168.10.100:80  192.168.188.82:80"), rows.toString());
            assertTrue(rows.contains("TCP 00:59  SYN_RECV    203.0.113.6:40110  192.168.10.100:80  192.168.188.81:80"), rows.toString());
            assertTrue(rows.contains("UDP 04:59  UDP         198.51.100.7:40001 192.168.10.100:53  192.168.20.1:53"), rows.toString());
        }
    }

    @Test
    void minutesMayExceed99AndATemplateShowsWhetherItIsAssured() {
        ConnView entry = new ConnView();
        entry.protocol = 6;
        entry.flags = ConnTable.F_TEMPLATE | ConnTable.F_ASSURED;
        entry.expiryCs = ConnTracker.centis(2_678_400_000L);
        ConnRow row = ConnRow.from(entry, 1);
        assertEquals("ASSURED", row.state());
        assertEquals(2_678_399, row.expireSeconds());
        assertTrue(AdmFormatter.connections(List.of(row), false).contains("\nTCP 44639:59 ASSURED "));
        entry.flags = ConnTable.F_TEMPLATE;
        entry.protocol = 0;
        assertEquals("NONE", ConnRow.from(entry, 1).state());
        assertEquals("IP", ConnRow.from(entry, 1).protocol(), "a fwmark template");
    }
}
