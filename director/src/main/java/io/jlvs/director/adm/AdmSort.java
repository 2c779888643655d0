package io.jlvs.director.adm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The listing order of ipvsadm (IPVS-SEMANTICS §4.3). Services sort by fwmark (plain
 * services, mark 0, first), then protocol number, then address, then port; servers by
 * address, then port. Addresses and marks compare as ipvsadm does, by a 32-bit subtraction
 * that wraps: {@code 192.168.0.1} sorts before {@code 10.0.0.1} because their difference
 * exceeds 2^31. That comparator is not transitive across such mixes, so the sort is a
 * top-down merge sort splitting at {@code n/2} like glibc's {@code qsort} (msort): it never
 * fails on an inconsistent comparator and gives glibc's order whenever the order is defined.
 */
public final class AdmSort {
    private AdmSort() {
    }

    /** ipvsadm's address comparison: {@code (int)(a - b)} of host-order addresses. */
    public static int compareAddresses(int a, int b) {
        return a - b;
    }

    /** ipvsadm's service comparison. */
    public static int compareServices(ServiceRef a, ServiceRef b) {
        int r = a.fwmark() - b.fwmark();
        if (r != 0) {
            return r;
        }
        r = a.protocol().number() - b.protocol().number();
        if (r != 0) {
            return r;
        }
        r = compareAddresses(a.address(), b.address());
        if (r != 0) {
            return r;
        }
        return a.port() - b.port();
    }

    /** ipvsadm's real server comparison. */
    public static int compareServers(ServerOptions a, ServerOptions b) {
        int r = compareAddresses(a.address(), b.address());
        if (r != 0) {
            return r;
        }
        return a.port() - b.port();
    }

    /** Services in listing order. */
    public static List<ServiceView> services(List<ServiceView> services) {
        return mergeSort(services, (a, b) -> compareServices(a.service(), b.service()));
    }

    /** Real servers in listing order. */
    public static List<DestView> dests(List<DestView> dests) {
        return mergeSort(dests, (a, b) -> compareServers(a.server(), b.server()));
    }

    /** A stable merge sort that splits at {@code n/2} and takes from the left run on ties. */
    public static <T> List<T> mergeSort(List<T> items, Comparator<? super T> comparator) {
        List<T> copy = new ArrayList<>(items);
        if (copy.size() < 2) {
            return copy;
        }
        int middle = copy.size() / 2;
        List<T> left = mergeSort(copy.subList(0, middle), comparator);
        List<T> right = mergeSort(copy.subList(middle, copy.size()), comparator);
        List<T> merged = new ArrayList<>(copy.size());
        int i = 0;
        int j = 0;
        while (i < left.size() && j < right.size()) {
            if (comparator.compare(left.get(i), right.get(j)) <= 0) {
                merged.add(left.get(i++));
            } else {
                merged.add(right.get(j++));
            }
        }
        merged.addAll(left.subList(i, left.size()));
        merged.addAll(right.subList(j, right.size()));
        return merged;
    }
}
