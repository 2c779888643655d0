package io.jlvs.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an Ethernet II header (IEEE 802.3) with at most one IEEE 802.1Q VLAN tag.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 destination MAC address (48 bits)             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                   source MAC address (48 bits)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   EtherType or TPID 0x8100    |  PCP|D|  VLAN id (12 bits)    |  &lt;- tag only
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+     when tagged
 * |  EtherType (after the tag)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Untagged the header is 14 bytes, tagged 18. Example: {@code ff ff ff ff ff ff 02 00 00
 * 00 00 01 08 06} is a broadcast from {@code 02:00:00:00:00:01} carrying ARP. MAC addresses
 * are the low 48 bits of a {@code long}, first octet most significant
 * ({@code 02:00:00:00:00:01} is {@code 0x0200_0000_0001L}).
 */
public final class EthernetFlyweight extends Flyweight {
    /** Length of an untagged header. */
    public static final int HEADER_LENGTH = 14;
    /** Length of a header with one 802.1Q tag. */
    public static final int VLAN_HEADER_LENGTH = 18;
    /** EtherType of IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** EtherType of ARP. */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** EtherType of IPv6. */
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    /** Tag protocol identifier of an 802.1Q VLAN tag. */
    public static final int TPID_8021Q = 0x8100;
    /** Tag protocol identifier of an 802.1ad service tag (outer tag of QinQ). */
    public static final int TPID_8021AD = 0x88A8;

    @Override
    public EthernetFlyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** Destination MAC address (low 48 bits). */
    public long destination() {
        return u48(0);
    }

    /** Writes the destination MAC address (low 48 bits). */
    public void destination(long mac) {
        u48(0, mac);
    }

    /** Source MAC address (low 48 bits). */
    public long source() {
        return u48(6);
    }

    /** Writes the source MAC address (low 48 bits). */
    public void source(long mac) {
        u48(6, mac);
    }

    /** The EtherType/TPID field at bytes 12..13, before any tag. */
    public int outerEtherType() {
        return u16(12);
    }

    /** Whether the frame carries an 802.1Q tag (TPID 0x8100 at bytes 12..13). */
    public boolean hasVlan() {
        return u16(12) == TPID_8021Q;
    }

    /** The tag control information (PCP, DEI, VLAN id); only when {@link #hasVlan()}. */
    public int vlanTci() {
        return u16(14);
    }

    /** The 12-bit VLAN id; only when {@link #hasVlan()}. */
    public int vlanId() {
        return u16(14) & 0x0FFF;
    }

    /** Writes the 12-bit VLAN id, keeping PCP and DEI; only when {@link #hasVlan()}. */
    public void vlanId(int id) {
        u16(14, (u16(14) & 0xF000) | (id & 0x0FFF));
    }

    /** The 3-bit priority code point; only when {@link #hasVlan()}. */
    public int vlanPriority() {
        return u16(14) >>> 13;
    }

    /** The EtherType of the payload: after the tag when tagged. */
    public int etherType() {
        return u16(hasVlan() ? 16 : 12);
    }

    /** Writes the EtherType of the payload (after the tag when tagged). */
    public void etherType(int etherType) {
        u16(hasVlan() ? 16 : 12, etherType);
    }

    /** 18 when tagged, else 14: the offset of the payload from {@link #offset()}. */
    public int headerLength() {
        return hasVlan() ? VLAN_HEADER_LENGTH : HEADER_LENGTH;
    }
}
