package io.jlvs.core.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic pcap file of Ethernet frames: either byte order, microsecond or nanosecond
 * timestamps. A file that is not such a pcap gets an {@link IOException} naming the file and
 * the problem (bad magic, pcapng, unsupported link type, truncated header or record, captured
 * length over 262144). Not thread-safe.
 *
 * <p>Iterate with {@link #next()}, which reuses one buffer, or take {@link #readRecord()} /
 * {@link #readAll(Path)} for copies.
 */
public final class PcapReader implements Closeable {
    private final InputStream in;
    private final String name;
    private final ByteOrder order;
    private final boolean nanos;
    private final int snapLength;
    private final int linkType;
    private final byte[] recordHeader = new byte[PcapFormat.RECORD_HEADER_LENGTH];
    private byte[] data = new byte[2048];
    private long position = PcapFormat.GLOBAL_HEADER_LENGTH;
    private long records;
    private long timestampNs;
    private int capturedLength;
    private int originalLength;

    /**
     * Reads and checks the global header from {@code in}, which this reader then owns.
     *
     * @param name what to call the input in messages (a file name)
     */
    public PcapReader(InputStream in, String name) throws IOException {
        this.in = in;
        this.name = name;
        byte[] global = in.readNBytes(PcapFormat.GLOBAL_HEADER_LENGTH);
        if (global.length < 4) {
            throw new IOException(name + ": not a pcap file: " + global.length
                    + " bytes, too short for a magic number");
        }
        int magicBigEndian = ByteBuffer.wrap(global, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        int magicLittleEndian = Integer.reverseBytes(magicBigEndian);
        if (magicBigEndian == PcapFormat.MAGIC_MICROS || magicBigEndian == PcapFormat.MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            nanos = magicBigEndian == PcapFormat.MAGIC_NANOS;
        } else if (magicLittleEndian == PcapFormat.MAGIC_MICROS || magicLittleEndian == PcapFormat.MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanos = magicLittleEndian == PcapFormat.MAGIC_NANOS;
        } else if (magicBigEndian == PcapFormat.PCAPNG_BLOCK_TYPE) {
            throw new IOException(name + ": is a pcapng file; only classic pcap is read"
                    + " (convert it with: editcap -F pcap in.pcapng out.pcap)");
        } else {
            throw new IOException(String.format("%s: not a pcap file: bad magic 0x%08x"
                    + " (expected 0xa1b2c3d4 or 0xa1b23c4d in either byte order)", name, magicBigEndian));
        }
        if (global.length < PcapFormat.GLOBAL_HEADER_LENGTH) {
            throw new IOException(name + ": truncated pcap global header: " + global.length
                    + " of " + PcapFormat.GLOBAL_HEADER_LENGTH + " bytes");
        }
        ByteBuffer header = ByteBuffer.wrap(global).order(order);
        int major = header.getShort(4) & 0xFFFF;
        if (major != PcapFormat.VERSION_MAJOR) {
            throw new IOException(name + ": unsupported pcap version " + major + "."
                    + (header.getShort(6) & 0xFFFF) + " (expected 2.x)");
        }
        snapLength = header.getInt(16);
        linkType = header.getInt(20) & 0x0FFF_FFFF;
        if (linkType != PcapFormat.LINKTYPE_ETHERNET) {
            throw new IOException(name + ": unsupported link type " + linkType
                    + " (only 1, Ethernet, is read)");
        }
    }

    /** Opens {@code file} and reads its global header. */
    public static PcapReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        try {
            return new PcapReader(in, file.toString());
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** Reads every record of {@code file}. */
    public static List<PcapRecord> readAll(Path file) throws IOException {
        try (PcapReader reader = open(file)) {
            List<PcapRecord> all = new ArrayList<>();
            for (PcapRecord r = reader.readRecord(); r != null; r = reader.readRecord()) {
                all.add(r);
            }
            return all;
        }
    }

    /**
     * Advances to the next record.
     *
     * @return false at a clean end of file
     * @throws IOException when the record header or data is cut short or the captured length
     *         is over 262144
     */
    public boolean next() throws IOException {
        int n = in.readNBytes(recordHeader, 0, recordHeader.length);
        if (n == 0) {
            return false;
        }
        long recordIndex = records + 1;
        if (n < recordHeader.length) {
            throw new IOException(name + ": truncated record " + recordIndex + " at byte " + position
                    + ": header has " + n + " of " + PcapFormat.RECORD_HEADER_LENGTH + " bytes");
        }
        ByteBuffer header = ByteBuffer.wrap(recordHeader).order(order);
        long seconds = header.getInt(0) & 0xFFFF_FFFFL;
        long fraction = header.getInt(4) & 0xFFFF_FFFFL;
        int captured = header.getInt(8);
        int original = header.getInt(12);
        if (captured < 0 || captured > PcapFormat.MAX_SNAPLEN) {
            throw new IOException(name + ": record " + recordIndex + " at byte " + position
                    + ": captured length " + Integer.toUnsignedString(captured) + " exceeds the "
                    + PcapFormat.MAX_SNAPLEN + "-byte maximum (corrupt file?)");
        }
        if (data.length < captured) {
            data = new byte[Math.max(captured, data.length * 2)];
        }
        int got = in.readNBytes(data, 0, captured);
        if (got < captured) {
            throw new IOException(name + ": truncated record " + recordIndex + " at byte " + position
                    + ": data has " + got + " of " + captured + " bytes");
        }
        position += PcapFormat.RECORD_HEADER_LENGTH + captured;
        records = recordIndex;
        timestampNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
        capturedLength = captured;
        originalLength = original;
        return true;
    }

    /** Reads the next record as a copy, or returns {@code null} at a clean end of file. */
    public PcapRecord readRecord() throws IOException {
        if (!next()) {
            return null;
        }
        byte[] copy = new byte[capturedLength];
        System.arraycopy(data, 0, copy, 0, capturedLength);
        return new PcapRecord(timestampNs, originalLength, copy);
    }

    /** Capture time of the current record, nanoseconds since the Unix epoch. */
    public long timestampNs() {
        return timestampNs;
    }

    /** Bytes captured of the current record. */
    public int capturedLength() {
        return capturedLength;
    }

    /** Length of the current record's frame on the wire. */
    public int originalLength() {
        return originalLength;
    }

    /**
     * The current record's bytes, valid in {@code [0, capturedLength())} until the next call
     * to {@link #next()}; the array is reused.
     */
    public byte[] data() {
        return data;
    }

    /** Whether the file has nanosecond timestamps (magic 0xa1b23c4d). */
    public boolean isNanosecond() {
        return nanos;
    }

    /** Byte order of the file. */
    public ByteOrder byteOrder() {
        return order;
    }

    /** Snap length from the global header. */
    public int snapLength() {
        return snapLength;
    }

    /** Link type from the global header (always 1, Ethernet, once open). */
    public int linkType() {
        return linkType;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
