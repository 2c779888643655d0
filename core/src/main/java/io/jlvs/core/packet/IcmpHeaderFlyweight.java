package io.jlvs.core.packet;

/**
 * The fields ICMP and ICMPv6 share: type, code, checksum and the 32-bit rest of header that
 * echo messages split into identifier and sequence number (see the subclasses for layouts).
 */
public abstract sealed class IcmpHeaderFlyweight extends Flyweight permits IcmpFlyweight, Icmpv6Flyweight {
    /** Length of the header: type, code, checksum and the 4-byte rest of header. */
    public static final int HEADER_LENGTH = 8;

    /** Message type. */
    public final int type() {
        return u8(0);
    }

    /** Writes the message type (the checksum is the caller's). */
    public final void type(int type) {
        u8(0, type);
    }

    /** Message code. */
    public final int code() {
        return u8(1);
    }

    /** Writes the message code (the checksum is the caller's). */
    public final void code(int code) {
        u8(1, code);
    }

    /** The checksum field. */
    public final int checksum() {
        return u16(2);
    }

    /** Writes the checksum field. */
    public final void checksum(int checksum) {
        u16(2, checksum);
    }

    /** Bytes 4..7 as one value (the meaning depends on the type). */
    public final int restOfHeader() {
        return i32(4);
    }

    /** Writes bytes 4..7 as one value (the checksum is the caller's). */
    public final void restOfHeader(int rest) {
        i32(4, rest);
    }

    /** Identifier of an echo request or reply. */
    public final int identifier() {
        return u16(4);
    }

    /** Sequence number of an echo request or reply. */
    public final int sequenceNumber() {
        return u16(6);
    }
}
