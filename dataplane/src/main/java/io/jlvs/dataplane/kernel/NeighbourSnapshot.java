package io.jlvs.dataplane.kernel;

import io.jlvs.core.net.Ipv4;
import java.util.List;
import java.util.Set;
import org.agrona.collections.Long2LongHashMap;

/**
 * An immutable copy of the kernel's IPv4 neighbour table: next-hop address to MAC, for workers.
 * {@link #mac} neither allocates nor locks; a new snapshot replaces this one as a whole
 * ({@link NeighbourTable}), so a worker that holds a reference keeps a consistent view.
 *
 * <p>Built from the kernel's entries ({@link #of}, through rtnetlink), or from {@code /proc/net/arp}:
 * <pre>
 * IP address       HW type     Flags       HW address            Mask     Device
 * 10.77.0.2        0x1         0x2         6a:bc:1d:71:b2:a5     *        eth1
 * 10.77.0.9        0x1         0x0         00:00:00:00:00:00     *        eth1
 * </pre>
 * Only complete entries (flag {@code ATF_COM}, 0x2) with a non-zero MAC count; the second line,
 * a resolution in progress or failed, is left out.
 */
public final class NeighbourSnapshot {
    /** What {@link #mac} returns for an address without a usable entry. */
    public static final long NO_MAC = -1L;
    /** An empty table. */
    public static final NeighbourSnapshot EMPTY = new NeighbourSnapshot(new Long2LongHashMap(NO_MAC));

    private static final int ATF_COM = 0x2;

    private final Long2LongHashMap macs;

    private NeighbourSnapshot(Long2LongHashMap macs) {
        this.macs = macs;
    }

    /**
     * The MAC of {@code address} (host byte order), or {@link #NO_MAC}. Any thread; no
     * allocation.
     */
    public long mac(int address) {
        return macs.get(address & 0xFFFF_FFFFL);
    }

    /** The number of addresses with a MAC. */
    public int size() {
        return macs.size();
    }

    /**
     * The valid entries ({@link RtNetlink.Neighbour#isValid}) among {@code neighbours} of the
     * interfaces numbered in {@code interfaceIndexes} (null: every interface).
     */
    public static NeighbourSnapshot of(List<RtNetlink.Neighbour> neighbours, Set<Integer> interfaceIndexes) {
        Long2LongHashMap macs = new Long2LongHashMap(64, 0.5f, NO_MAC);
        for (RtNetlink.Neighbour n : neighbours) {
            if (n.isValid() && (interfaceIndexes == null || interfaceIndexes.contains(n.interfaceIndex()))) {
                macs.put(n.address() & 0xFFFF_FFFFL, n.mac());
            }
        }
        return new NeighbourSnapshot(macs);
    }

    /**
     * Parses {@code /proc/net/arp} text, keeping entries of {@code devices} only (null: every
     * device). Lines that do not parse are skipped: the file is the kernel's, and a line the
     * format does not expect must not cost the whole table.
     */
    public static NeighbourSnapshot parseProcNetArp(String text, Set<String> devices) {
        Long2LongHashMap macs = new Long2LongHashMap(64, 0.5f, NO_MAC);
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length < 6 || !Ipv4.isValid(fields[0])) {
                continue;
            }
            if (devices != null && !devices.contains(fields[5])) {
                continue;
            }
            int flags;
            long mac;
            try {
                flags = Integer.decode(fields[2]);
                mac = Mac.parse(fields[3]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if ((flags & ATF_COM) == 0 || mac == 0) {
                continue;
            }
            macs.put(Ipv4.parse(fields[0]) & 0xFFFF_FFFFL, mac);
        }
        return new NeighbourSnapshot(macs);
    }
}
