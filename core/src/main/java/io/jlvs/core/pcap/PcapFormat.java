package io.jlvs.core.pcap;

/**
 * Constants of the classic pcap file format (draft-ietf-opsawg-pcap).
 *
 * <pre>
 * global header, 24 bytes            record header, 16 bytes, then the captured bytes
 * +-----------------------------+    +----------------------------------------------+
 * | magic 0xa1b2c3d4 (us) or    |    | timestamp seconds                            |
 * |       0xa1b23c4d (ns)       |    +----------------------------------------------+
 * +--------------+--------------+    | timestamp microseconds (or nanoseconds)      |
 * | major (2)    | minor (4)    |    +----------------------------------------------+
 * +--------------+--------------+    | captured length                              |
 * | reserved (thiszone)         |    +----------------------------------------------+
 * +-----------------------------+    | original length                              |
 * | reserved (sigfigs)          |    +----------------------------------------------+
 * +-----------------------------+
 * | snap length                 |
 * +-----------------------------+
 * | link type (1 = Ethernet)    |
 * +-----------------------------+
 * </pre>
 *
 * <p>Every field is written in the byte order of the writer; a reader tells the order from
 * the magic number.
 */
public final class PcapFormat {
    /** Magic number of a file with microsecond timestamps. */
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    /** Magic number of a file with nanosecond timestamps. */
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    /** First word of a pcapng file (its section header block type). */
    public static final int PCAPNG_BLOCK_TYPE = 0x0a0d0d0a;
    /** Major version written and accepted. */
    public static final int VERSION_MAJOR = 2;
    /** Minor version written. */
    public static final int VERSION_MINOR = 4;
    /** Link type of Ethernet (LINKTYPE_ETHERNET). */
    public static final int LINKTYPE_ETHERNET = 1;
    /** Snap length written, and the largest captured length accepted (as libpcap). */
    public static final int MAX_SNAPLEN = 262144;
    /** Length of the global header. */
    public static final int GLOBAL_HEADER_LENGTH = 24;
    /** Length of a record header. */
    public static final int RECORD_HEADER_LENGTH = 16;

    private PcapFormat() {
    }
}
