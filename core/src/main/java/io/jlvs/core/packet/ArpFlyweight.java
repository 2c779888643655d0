package io.jlvs.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * View of an ARP packet for IPv4 over Ethernet (RFC 826), 28 bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  hardware type (1 Ethernet)   | protocol type (0x0800 IPv4)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | hw len (6)    | proto len (4) | operation (1 request, 2 reply)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                sender hardware address (48 bits)              |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | sender protocol address (hi)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | sender protocol address (lo)  |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                target hardware address (48 bits)              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   target protocol address                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Example: "who has 10.213.0.2? tell 10.213.0.1" is operation 1, sender
 * {@code 10.213.0.1}, target hardware address zero, target {@code 10.213.0.2}. IPv4
 * addresses are host-order {@code int}s ({@code 10.213.0.2} is {@code 0x0AD50002}); MAC
 * addresses are the low 48 bits of a {@code long}, first octet most significant.
 */
public final class ArpFlyweight extends Flyweight {
    /** Length of an ARP packet for IPv4 over Ethernet. */
    public static final int LENGTH = 28;
    /** Hardware type of Ethernet. */
    public static final int HTYPE_ETHERNET = 1;
    /** Operation code of a request. */
    public static final int OP_REQUEST = 1;
    /** Operation code of a reply. */
    public static final int OP_REPLY = 2;

    @Override
    public ArpFlyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** Hardware type (1 for Ethernet). */
    public int hardwareType() {
        return u16(0);
    }

    /** Protocol type (0x0800 for IPv4). */
    public int protocolType() {
        return u16(2);
    }

    /** Hardware address length in bytes (6 for Ethernet). */
    public int hardwareLength() {
        return u8(4);
    }

    /** Protocol address length in bytes (4 for IPv4). */
    public int protocolLength() {
        return u8(5);
    }

    /** Whether this is IPv4 over Ethernet (types 1/0x0800, lengths 6/4), the only form viewed. */
    public boolean isEthernetIpv4() {
        return hardwareType() == HTYPE_ETHERNET && protocolType() == EthernetFlyweight.ETHERTYPE_IPV4
                && hardwareLength() == 6 && protocolLength() == 4;
    }

    /** Operation: {@link #OP_REQUEST} or {@link #OP_REPLY}. */
    public int operation() {
        return u16(6);
    }

    /** Writes the operation. */
    public void operation(int operation) {
        u16(6, operation);
    }

    /** Sender MAC address (low 48 bits). */
    public long senderHardwareAddress() {
        return u48(8);
    }

    /** Writes the sender MAC address. */
    public void senderHardwareAddress(long mac) {
        u48(8, mac);
    }

    /** Sender IPv4 address, host byte order. */
    public int senderProtocolAddress() {
        return i32(14);
    }

    /** Writes the sender IPv4 address, host byte order. */
    public void senderProtocolAddress(int address) {
        i32(14, address);
    }

    /** Target MAC address (low 48 bits); zero in a request. */
    public long targetHardwareAddress() {
        return u48(18);
    }

    /** Writes the target MAC address. */
    public void targetHardwareAddress(long mac) {
        u48(18, mac);
    }

    /** Target IPv4 address, host byte order. */
    public int targetProtocolAddress() {
        return i32(24);
    }

    /** Writes the target IPv4 address, host byte order. */
    public void targetProtocolAddress(int address) {
        i32(24, address);
    }
}
