package io.jlvs.core.pcap;

/**
 * One captured frame: when it was captured, how long it was on the wire and the bytes kept.
 *
 * @param timestampNs capture time in nanoseconds since the Unix epoch
 * @param originalLength length of the frame on the wire, in bytes
 * @param data the captured bytes ({@code data.length} is the captured length)
 */
public record PcapRecord(long timestampNs, int originalLength, byte[] data) {
    /** Bytes captured, at most {@link #originalLength()}. */
    public int capturedLength() {
        return data.length;
    }
}
