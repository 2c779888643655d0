package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ipvsadm's listing order (IPVS-SEMANTICS §4.3), including its wrapped address comparison. */
class AdmSortTest {
    @Test
    void addressesMoreThan2To31ApartCompareBackwards() {
        assertTrue(AdmSort.compareAddresses(Ipv4.parse("192.168.0.1"), Ipv4.parse("10.0.0.1")) < 0,
                "192.168.0.1 sorts before 10.0.0.1");
        assertTrue(AdmSort.compareAddresses(Ipv4.parse("10.0.0.2"), Ipv4.parse("10.0.0.10")) < 0);
        assertTrue(AdmSort.compareAddresses(Ipv4.parse("192.168.0.1"), Ipv4.parse("172.16.0.1")) > 0,
                "within the same /1 the order is ascending");
    }

    @Test
    void serversSortWithTheWrappedComparator() {
        List<DestView> dests = List.of(dest("10.0.0.1", 80), dest("192.168.0.1", 80), dest("10.0.0.1", 8),
                dest("10.0.0.0", 80));
        assertEquals(List.of("192.168.0.1:80", "10.0.0.0:80", "10.0.0.1:8", "10.0.0.1:80"),
                AdmSort.dests(dests).stream().map(d -> d.server().endpoint()).toList());
    }

    @Test
    void servicesSortByMarkThenProtocolThenAddressThenPort() {
        List<ServiceRef> refs = List.of(ServiceRef.ofMark(2), ServiceRef.of(Protocol.SCTP, 1, 1),
                ServiceRef.of(Protocol.UDP, 5, 53), ServiceRef.ofMark(1), ServiceRef.of(Protocol.TCP, 5, 443),
                ServiceRef.of(Protocol.TCP, 5, 80), ServiceRef.of(Protocol.TCP, 4, 9999));
        List<ServiceView> views = refs.stream().map(r -> new ServiceView(r, ServiceOptions.DEFAULT, StatsView.ZERO,
                List.of())).toList();
        assertEquals(List.of(ServiceRef.of(Protocol.TCP, 4, 9999), ServiceRef.of(Protocol.TCP, 5, 80),
                ServiceRef.of(Protocol.TCP, 5, 443), ServiceRef.of(Protocol.UDP, 5, 53),
                ServiceRef.of(Protocol.SCTP, 1, 1), ServiceRef.ofMark(1), ServiceRef.ofMark(2)),
                AdmSort.services(views).stream().map(ServiceView::service).toList());
    }

    @Test
    void mergeSortMatchesAStableSortOnConsistentInput() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<int[]> items = new ArrayList<>();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) {
                items.add(new int[] {random.nextInt(10), i});
            }
            Comparator<int[]> byKey = Comparator.comparingInt(a -> a[0]);
            List<int[]> expected = new ArrayList<>(items);
            expected.sort(byKey);
            assertEquals(expected, AdmSort.mergeSort(items, byKey));
        }
    }

    @Test
    void inconsistentComparatorNeverFails() {
        List<DestView> dests = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            dests.add(DestView.idle(ServerOptions.of(random.nextInt(), 80)));
        }
        assertEquals(300, AdmSort.dests(dests).size());
    }

    private static DestView dest(String address, int port) {
        return DestView.idle(ServerOptions.of(Ipv4.parse(address), port).with(ForwardingMethod.MASQ, 1));
    }
}
