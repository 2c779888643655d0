package io.jlvs.core.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file: little-endian, microsecond timestamps, link type Ethernet, snap
 * length 262144. Frames longer than the snap length are cut to it (their original length is
 * kept). Not thread-safe; one writer per file.
 */
public final class PcapWriter implements Closeable {
    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(PcapFormat.RECORD_HEADER_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
    private byte[] scratch = new byte[2048];

    /** Writes the global header to {@code out}, which this writer then owns and closes. */
    public PcapWriter(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer global = ByteBuffer.allocate(PcapFormat.GLOBAL_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        global.putInt(PcapFormat.MAGIC_MICROS)
                .putShort((short) PcapFormat.VERSION_MAJOR)
                .putShort((short) PcapFormat.VERSION_MINOR)
                .putInt(0)
                .putInt(0)
                .putInt(PcapFormat.MAX_SNAPLEN)
                .putInt(PcapFormat.LINKTYPE_ETHERNET);
        out.write(global.array());
    }

    /** Creates (or truncates) {@code file} and writes the global header. */
    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    /** Writes a whole frame captured at {@code timestampNs} (nanoseconds since the epoch). */
    public void write(long timestampNs, byte[] frame) throws IOException {
        write(timestampNs, frame, 0, frame.length, frame.length);
    }

    /**
     * Writes {@code length} bytes of {@code frame} from {@code offset} as a record whose frame
     * was {@code originalLength} bytes on the wire.
     */
    public void write(long timestampNs, byte[] frame, int offset, int length, int originalLength)
            throws IOException {
        if (length < 0 || originalLength < length) {
            throw new IllegalArgumentException("captured length " + length
                    + " must be 0.." + originalLength + " (the original length)");
        }
        int captured = Math.min(length, PcapFormat.MAX_SNAPLEN);
        long seconds = Math.floorDiv(timestampNs, 1_000_000_000L);
        long micros = Math.floorMod(timestampNs, 1_000_000_000L) / 1000;
        header.clear();
        header.putInt((int) seconds).putInt((int) micros).putInt(captured).putInt(originalLength);
        out.write(header.array());
        out.write(frame, offset, captured);
    }

    /** Writes {@code length} bytes of native or heap memory from {@code offset} as a whole frame. */
    public void write(long timestampNs, MemorySegment segment, long offset, int length) throws IOException {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, scratch, 0, length);
        write(timestampNs, scratch, 0, length, length);
    }

    /** Flushes buffered records to the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
