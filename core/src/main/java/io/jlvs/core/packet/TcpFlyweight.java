package io.jlvs.core.packet;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.checksum.TransportChecksum;
import java.lang.foreign.MemorySegment;

/**
 * View of a TCP header (RFC 9293), 20 bytes plus up to 40 bytes of options.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (data offset &gt; 5)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Data offset counts 32-bit words (5..15). The checksum covers the pseudo-header, header and
 * data. Example: a SYN to port 80 has byte 13 = {@code 0x02}. Ports are host-order
 * {@code int}s 0..65535; sequence numbers are {@code int}s read as unsigned modulo 2<sup>32</sup>.
 */
public final class TcpFlyweight extends TransportFlyweight {
    /** Length of a header without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** FIN flag bit of byte 13. */
    public static final int FIN = 0x01;
    /** SYN flag bit of byte 13. */
    public static final int SYN = 0x02;
    /** RST flag bit of byte 13. */
    public static final int RST = 0x04;
    /** PSH flag bit of byte 13. */
    public static final int PSH = 0x08;
    /** ACK flag bit of byte 13. */
    public static final int ACK = 0x10;
    /** URG flag bit of byte 13. */
    public static final int URG = 0x20;
    /** ECE flag bit of byte 13. */
    public static final int ECE = 0x40;
    /** CWR flag bit of byte 13. */
    public static final int CWR = 0x80;

    @Override
    public TcpFlyweight wrap(MemorySegment segment, long offset, int length) {
        super.wrap(segment, offset, length);
        return this;
    }

    /** Sequence number (unsigned, modulo 2<sup>32</sup>). */
    public int sequenceNumber() {
        return i32(4);
    }

    /** Writes the sequence number. */
    public void sequenceNumber(int seq) {
        i32(4, seq);
    }

    /** Acknowledgment number (unsigned, modulo 2<sup>32</sup>). */
    public int acknowledgmentNumber() {
        return i32(8);
    }

    /** Writes the acknowledgment number. */
    public void acknowledgmentNumber(int ack) {
        i32(8, ack);
    }

    /** Data offset in 32-bit words (5..15 when valid). */
    public int dataOffset() {
        return u8(12) >>> 4;
    }

    /** Header length in bytes, {@code dataOffset() * 4}. */
    public int headerLength() {
        return (u8(12) >>> 4) << 2;
    }

    /** The eight flag bits of byte 13 ({@link #SYN}, {@link #ACK}, ...). */
    public int flags() {
        return u8(13);
    }

    /** Writes the eight flag bits of byte 13. */
    public void flags(int flags) {
        u8(13, flags);
    }

    /** Whether SYN is set. */
    public boolean isSyn() {
        return (u8(13) & SYN) != 0;
    }

    /** Whether ACK is set. */
    public boolean isAck() {
        return (u8(13) & ACK) != 0;
    }

    /** Whether FIN is set. */
    public boolean isFin() {
        return (u8(13) & FIN) != 0;
    }

    /** Whether RST is set. */
    public boolean isRst() {
        return (u8(13) & RST) != 0;
    }

    /** Receive window. */
    public int window() {
        return u16(14);
    }

    /** Writes the receive window. */
    public void window(int window) {
        u16(14, window);
    }

    /** The checksum field. */
    public int checksum() {
        return u16(16);
    }

    /** Writes the checksum field. */
    public void checksum(int checksum) {
        u16(16, checksum);
    }

    /** Urgent pointer. */
    public int urgentPointer() {
        return u16(18);
    }

    @Override
    public void adjustChecksum16(int oldWord, int newWord) {
        u16(16, InternetChecksum.update16(u16(16), oldWord, newWord));
    }

    @Override
    public void adjustChecksum32(int oldValue, int newValue) {
        u16(16, InternetChecksum.update32(u16(16), oldValue, newValue));
    }

    /**
     * The checksum over {@code l4LengthBytes} from this header's start plus
     * {@code pseudoHeaderSum}, taking the field as zero.
     */
    public int computeChecksum(long pseudoHeaderSum, int l4LengthBytes) {
        return TransportChecksum.compute(pseudoHeaderSum, segment(), offset(), l4LengthBytes,
                TransportChecksum.TCP_CHECKSUM_OFFSET);
    }
}
