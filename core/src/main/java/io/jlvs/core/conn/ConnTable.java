package io.jlvs.core.conn;

import io.jlvs.core.service.ForwardingMethod;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The off-heap connection table: fixed-size 40-byte slots in one {@link MemorySegment}
 * allocated at start, open addressing with linear probing, lock-free lookups and inserts.
 * No Java object exists per entry; an entry is named by its slot index. Keys are hashed with
 * random keys drawn per table (as IPVS's {@code ip_vs_conn_rnd}), so that the probe chains a
 * flood would have to lengthen cannot be computed from outside.
 *
 * <h2>Slot layout (IPv4, 40 bytes, all fields host byte order, naturally aligned)</h2>
 * <pre>
 *  0  control   long  lifecycle:8 | tcpState:8 | flags:16 | keyTag:16 | version:16
 *  8  expiry    int   expiry time in centiseconds, wrapping (compare by subtraction)
 * 12  dest      int   index into the {@link DestinationRegistry}
 * 16  caddr     int   client address            \
 * 20  vaddr     int   virtual address (or mark)  |  key
 * 24  ports     int   cport &lt;&lt; 16 | vport      |
 * 28  protoKind int   proto:8 | kind:8 (low 16)  /  | dport:16 (high 16)
 * 32  daddr     int   real server address
 * 36  link      int   template: controlled-connection count (-1 once closing);
 *                     connection: the slot of its template, or -1
 * </pre>
 * The flags hold, in their top four bits, the client → server packets seen, counted up to
 * {@link #IN_PACKETS_MAX} and no further (see {@link #inPackets}): what IPVS reads its
 * per-connection {@code in_pkts} for (a connection's first packet, {@code todrop}'s idle
 * entries with few packets). Like IPVS, the table keeps no per-connection byte or reply
 * counters: traffic is counted per worker, service and server ({@code TrafficCounters}),
 * and a per-packet atomic add on the entry is what those counters avoid.
 *
 * <p>The {@code kind} byte separates key spaces: {@link #KIND_CONN} and
 * {@link #KIND_TEMPLATE}; {@link #KIND_IPV6} is reserved for an IPv6 slot class (same
 * control word, 16-byte addresses).
 *
 * <h2>Concurrency</h2>
 * Lifecycle of a slot: EMPTY → WRITING → LIVE → DYING → DEAD → WRITING … Every lifecycle
 * change increments the 16-bit version. An inserter claims a slot with one CAS
 * (EMPTY/DEAD → WRITING, carrying a 16-bit tag of the key hash), writes the key, then
 * re-walks the probe chain: if it meets the same key LIVE it gives the slot back and
 * returns the existing entry; if it meets the same tag WRITING nearer the home slot it
 * gives back and retries; one further along, it waits for it. So at most one entry per
 * key is ever LIVE. Publication is a release store of the LIVE word.
 *
 * <p>Readers use the control word as a seqlock: read it (acquire), read the fields, fence,
 * re-read it; a changed lifecycle or version means the slot was removed or reused while
 * being read, and the read is repeated. TCP state and flag changes CAS the control word
 * without touching the version, so they never disturb readers.
 *
 * <p>A lookup guarantees only that the slot held the key when it was found: nothing pins
 * the entry, so another thread may remove it and reuse the slot for another key before
 * the caller reads it. {@link #lookupRef} and {@link #lookupReplyRef} therefore also
 * return the version found, and a caller checks with {@link #isIncarnation} that the
 * control word it then reads (and CASes from) is still that entry's. Like the seqlock
 * reads, this relies on the 16-bit version not coming round meanwhile, which takes 16384
 * reuses of the slot (each takes at least 4 versions: WRITING, LIVE, DYING, DEAD).
 *
 * <p>Removal is a CAS LIVE → DYING that exactly one thread wins; that thread undoes the
 * entry's accounting, removes its reply-index bucket and stores DEAD. DEAD slots are
 * reused by inserts (the version makes reuse visible to readers, the ABA guard), and a
 * DEAD slot that no probe chain passes through turns back into EMPTY (at removal, and in
 * {@link #clearTombstone}), fenced meanwhile so that no insert starts a chain through it;
 * so probe chains do not fill up with tombstones under churn. An insert that passed the
 * slot before the fence finds it EMPTY or fenced when it re-walks its chain, and retries.
 *
 * <p>NAT entries are also findable by the real-server side (proto, daddr, dport, caddr,
 * cport) through a second open-addressed index of {@code int} slot references (slot + 1;
 * 0 empty, -1 tombstone). A bucket is added before its entry is published and removed by
 * the thread that won the entry's removal. Its tombstones are reused by inserts but never
 * turned back into EMPTY, so under churn a reply lookup that misses may scan up to the
 * probe limit (4096 buckets); hits stay near their home bucket.
 *
 * <p>Capacity is fixed: an insert beyond it returns {@link #FULL}; nothing blocks or
 * grows. The entries are counted against it in one shared count, which a worker does not
 * write per connection: it {@link #attachCredits attaches credits}, takes entries from the
 * shared count {@link #CREDIT_CHUNK} at a time and counts its inserts and removals in a
 * padded count of its own (a thread without credits uses the shared count directly). When the
 * shared count is spent, an insert takes a credit another thread holds, so the table admits
 * exactly its capacity; {@link #size} subtracts the credits held. All methods are
 * allocation-free except the constructors, {@link #attachCredits} and a thread's first
 * insert or removal (its thread-local entry).
 */
public final class ConnTable implements AutoCloseable {
    /** Bytes of one IPv4 slot. */
    public static final int SLOT_BYTES = 40;
    /** Most live entries a table admits: 2^28. */
    public static final int MAX_CAPACITY = 1 << 28;
    /** Slots in use at capacity, by default. */
    public static final double DEFAULT_LOAD_FACTOR = 0.7;

    /** Key kind: a connection. */
    public static final int KIND_CONN = 0;
    /** Key kind: a persistence template. */
    public static final int KIND_TEMPLATE = 1;
    /** Key kind bit reserved for IPv6 entries (not implemented). */
    public static final int KIND_IPV6 = 2;

    /** Entry flag: persistence template. */
    public static final int F_TEMPLATE = 0x0001;
    /** Entry flag: replies are not seen (DR, TUN); input packets use the INPUT-ONLY table. */
    public static final int F_NOOUTPUT = 0x0002;
    /** Entry flag: counted in the server's InActConn (else in ActiveConn). */
    public static final int F_INACTIVE = 0x0004;
    /** Entry flag: template confirmed by an established connection or a UDP reply. */
    public static final int F_ASSURED = 0x0008;
    /** Entry flag: controlled by a template whose slot is in the link field. */
    public static final int F_CONTROLLED = 0x0010;
    /** Entry flag: no longer found by key (an invalidated template), still accounted. */
    public static final int F_RETIRED = 0x0020;
    /** Entry flag: has a bucket in the reply index. */
    public static final int F_REPLY_INDEXED = 0x0040;
    /** Entry flag: an embryonic TCP connection counted against its client's per-source limit. */
    public static final int F_SOURCE_COUNTED = 0x0080;
    /**
     * Entry flag: a one-packet connection (a UDP datagram of a one-packet service), removed once
     * its datagram is forwarded ({@code IP_VS_CONN_F_ONE_PACKET}).
     */
    public static final int F_ONE_PACKET = 0x0400;
    /** Forwarding method ({@code ForwardingMethod.kernelCode()}) in flag bits 8..9. */
    public static final int F_FWD_SHIFT = 8;
    public static final int F_FWD_MASK = 0x3 << F_FWD_SHIFT;
    /** Client → server packets seen, up to {@link #IN_PACKETS_MAX}, in flag bits 12..15. */
    public static final int F_IN_PACKETS_SHIFT = 12;
    public static final int F_IN_PACKETS_MASK = 0xF << F_IN_PACKETS_SHIFT;
    /** Where the count of client → server packets in the flags stops. */
    public static final int IN_PACKETS_MAX = 15;

    /** {@link #claim} result: no room (capacity reached or no free slot in the probe window). */
    public static final int FULL = -1;
    /** Lookup result: no entry. */
    public static final int NOT_FOUND = -1;

    static final int EMPTY = 0;
    static final int WRITING = 1;
    static final int LIVE = 2;
    static final int DYING = 3;
    static final int DEAD = 4;
    static final int FENCE = 5;

    private static final long LIFE_MASK = 0xFFL;
    private static final int STATE_SHIFT = 8;
    private static final int FLAGS_SHIFT = 16;
    private static final int TAG_SHIFT = 32;
    private static final int VERSION_SHIFT = 48;
    private static final long VERSION_ONE = 1L << VERSION_SHIFT;
    private static final long TAG_MASK = 0xFFFFL << TAG_SHIFT;
    private static final long VERSION_MASK = 0xFFFFL << VERSION_SHIFT;
    /** The bits a seqlock reader compares: lifecycle and version. */
    private static final long SEQ_MASK = VERSION_MASK | LIFE_MASK;

    private static final long OFF_CONTROL = 0;
    private static final long OFF_EXPIRY = 8;
    private static final long OFF_DEST = 12;
    private static final long OFF_CADDR = 16;
    private static final long OFF_VADDR = 20;
    private static final long OFF_PORTS = 24;
    private static final long OFF_PROTO = 28;
    private static final long OFF_DADDR = 32;
    private static final long OFF_LINK = 36;

    private static final int REPLY_EMPTY = 0;
    private static final int REPLY_TOMB = -1;
    private static final int VALIDATED = -1;
    private static final int RETRY = -2;
    private static final int SPINS_BEFORE_YIELD = 64;
    private static final int MAX_WAIT_SPINS = 1 << 14;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle TAKEN;
    private static final VarHandle HELD;
    /** Entries a thread with {@link #attachCredits credits} takes from the shared count at once. */
    static final int CREDIT_CHUNK = 64;

    static {
        try {
            TAKEN = MethodHandles.lookup().findVarHandle(ConnTable.class, "taken", long.class);
            HELD = MethodHandles.lookup().findVarHandle(CreditsValue.class, "held", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena;
    private final MemorySegment slots;
    private final MemorySegment reply;
    private final int slotCount;
    private final int replyCount;
    private final int capacity;
    private final int probeLimit;
    /** Random keys of the lookup and reply hashes, drawn per table (see {@link #hash}). */
    private final long keyA, keyB, replyKeyA, replyKeyB;
    private final ThreadLocal<Credits> localCredits = new ThreadLocal<>();
    /** Every thread's credits, for {@link #size} and for taking back the last entries (copy on write). */
    private volatile Credits[] holders = new Credits[0];

    @SuppressWarnings("unused") // padding against false sharing of taken
    private long p1, p2, p3, p4, p5, p6, p7;
    /** Entries live or held as credits by threads: at most the capacity. Accessed through TAKEN. */
    @SuppressWarnings("unused")
    private volatile long taken;
    @SuppressWarnings("unused") // padding against false sharing of taken
    private long q1, q2, q3, q4, q5, q6, q7;

    /**
     * A table for up to {@code capacity} live entries (connections plus templates), with
     * {@code capacity / loadFactor} slots and as many reply-index buckets.
     *
     * @param capacity   most entries alive at once, 1..2^28
     * @param loadFactor slots in use at capacity, 0.1..0.95 (0.7, the default, keeps a miss to
     *                   about six slots and an entry under 64 bytes)
     * @throws IllegalArgumentException naming a value out of range
     */
    public ConnTable(int capacity, double loadFactor) {
        this(capacity, loadFactor, TableMemory.ARENA);
    }

    /**
     * A table for up to {@code capacity} live entries whose slots come from {@code memory}
     * (see {@link #ConnTable(int, double)}), its hash keyed at random.
     */
    public ConnTable(int capacity, double loadFactor, TableMemory memory) {
        this(capacity, loadFactor, memory, new SecureRandom());
    }

    /**
     * A table whose hash keys come from {@code keys}: the offline tools give a fixed sequence, so
     * that the same input lists its connections in the same order every time. The director uses
     * the random constructors.
     */
    public ConnTable(int capacity, double loadFactor, TableMemory memory, RandomGenerator keys) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ", was " + capacity);
        }
        if (!(loadFactor >= 0.1 && loadFactor <= 0.95)) {
            throw new IllegalArgumentException("load factor must be 0.1..0.95, was " + loadFactor);
        }
        if (capacity / loadFactor > 1 << 30) {
            throw new IllegalArgumentException("capacity / load factor must be at most 2^30 slots, was "
                    + (long) Math.ceil(capacity / loadFactor));
        }
        this.capacity = capacity;
        this.slotCount = (int) Math.max(2, Math.ceil(capacity / loadFactor));
        this.replyCount = slotCount;
        this.probeLimit = Math.min(slotCount, 4096);
        this.arena = Arena.ofShared();
        this.slots = memory.allocate(arena, (long) slotCount * SLOT_BYTES);
        this.reply = arena.allocate((long) replyCount * Integer.BYTES, 64);
        this.keyA = keys.nextLong();
        this.keyB = keys.nextLong();
        this.replyKeyA = keys.nextLong();
        this.replyKeyB = keys.nextLong();
    }

    /** A table for {@code capacity} entries at the {@link #DEFAULT_LOAD_FACTOR default load factor}. */
    public ConnTable(int capacity) {
        this(capacity, DEFAULT_LOAD_FACTOR);
    }

    /** Native memory a table of {@code capacity} entries at the default load factor maps: slots and reply index. */
    public static long bytesFor(int capacity) {
        long slots = (long) Math.max(2, Math.ceil(capacity / DEFAULT_LOAD_FACTOR));
        return slots * (SLOT_BYTES + Integer.BYTES);
    }

    /** Most live entries the table admits. */
    public int capacity() {
        return capacity;
    }

    /** Number of slots (capacity / load factor). */
    public int slotCount() {
        return slotCount;
    }

    /** Live entries now (including entries being written or removed). */
    public long size() {
        long held = 0;
        for (Credits c : holders) {
            held += (long) HELD.getVolatile(c);
        }
        return (long) TAKEN.getVolatile(this) - held;
    }

    /** Off-heap bytes: slots plus reply index. */
    public long offHeapBytes() {
        return slots.byteSize() + reply.byteSize();
    }

    /** Off-heap bytes per entry of capacity (slot, load-factor headroom and reply index). */
    public double bytesPerEntry() {
        return (double) offHeapBytes() / capacity;
    }

    /** Frees the memory. No thread may use the table afterwards. */
    @Override
    public void close() {
        arena.close();
    }

    // ------------------------------------------------------------------ hashing

    /**
     * The hash of a key: both 64-bit halves multiplied by odd constants after a xor with this
     * table's random keys, summed, then one fold-multiply-fold so that every input bit reaches
     * the high bits ({@link #position}) and the low ones ({@link #tag}). Keyed like IPVS's
     * {@code ip_vs_conn_rnd}, so that nobody outside can compute which keys share a probe chain
     * and lengthen one with a crafted flood. One multiply on the critical path after the two
     * parallel ones: about half the latency of two rounds of a 64-bit finaliser, which is what
     * an in-cache lookup spends most of its time on.
     */
    private static long hash(long a, long b, long keyA, long keyB) {
        long h = (a ^ keyA) * 0x9E3779B97F4A7C15L + (b ^ keyB) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ (h >>> 32)) * 0xD6E8FEB86659FD93L;
        return h ^ (h >>> 32);
    }

    private long keyHash(int kind, int proto, int caddr, int cport, int vaddr, int vport) {
        long a = ((long) caddr << 32) | (vaddr & 0xFFFFFFFFL);
        long b = ((long) ((cport << 16) | (vport & 0xFFFF)) << 32) | ((kind << 8) | proto);
        return hash(a, b, keyA, keyB);
    }

    private long replyHash(int proto, int daddr, int dport, int caddr, int cport) {
        long a = ((long) daddr << 32) | (caddr & 0xFFFFFFFFL);
        long b = ((long) ((dport << 16) | (cport & 0xFFFF)) << 32) | proto;
        return hash(a, b, replyKeyA, replyKeyB);
    }

    /** The home slot of a key (tests). */
    int homeSlot(int kind, int proto, int caddr, int cport, int vaddr, int vport) {
        return position(keyHash(kind, proto, caddr, cport, vaddr, vport), slotCount);
    }

    private static int position(long hash, int count) {
        return (int) (((hash >>> 32) * count) >>> 32);
    }

    private static int tag(long hash) {
        return (int) (hash & 0xFFFF);
    }

    private int next(int slot) {
        int n = slot + 1;
        return n == slotCount ? 0 : n;
    }

    // ------------------------------------------------------------------ control word

    static int life(long word) {
        return (int) (word & LIFE_MASK);
    }

    /** TCP state in a control word. */
    public static int state(long word) {
        return (int) (word >>> STATE_SHIFT) & 0xFF;
    }

    /** The forwarding method of an entry whose control word is {@code word} ({@link #F_FWD_MASK} bits). */
    public static ForwardingMethod method(long word) {
        return ForwardingMethod.ofKernelCode((flags(word) & F_FWD_MASK) >>> F_FWD_SHIFT);
    }

    /** Flags in a control word. */
    public static int flags(long word) {
        return (int) (word >>> FLAGS_SHIFT) & 0xFFFF;
    }

    /** Client → server packets an entry has seen, from its flags: exact up to {@link #IN_PACKETS_MAX}, then that. */
    public static int inPackets(int flags) {
        return (flags & F_IN_PACKETS_MASK) >>> F_IN_PACKETS_SHIFT;
    }

    /** The flags with one more client → server packet counted (unchanged once the count is at its maximum). */
    public static int withInPacket(int flags) {
        return inPackets(flags) == IN_PACKETS_MAX ? flags : flags + (1 << F_IN_PACKETS_SHIFT);
    }

    private static int wordTag(long word) {
        return (int) ((word & TAG_MASK) >>> TAG_SHIFT);
    }

    /** The word with the next version, lifecycle {@code life}, state and flags cleared. */
    private static long nextLife(long word, int life) {
        return ((word & VERSION_MASK) + VERSION_ONE) | (word & TAG_MASK) | life;
    }

    /** A control word with the state and flags replaced; lifecycle, tag and version kept. */
    public static long withStateFlags(long word, int state, int flags) {
        return (word & (SEQ_MASK | TAG_MASK)) | ((long) state << STATE_SHIFT) | ((long) flags << FLAGS_SHIFT);
    }

    private static long offset(int slot) {
        return (long) slot * SLOT_BYTES;
    }

    /** The control word of a slot (volatile read). */
    public long control(int slot) {
        return (long) LONG.getVolatile(slots, offset(slot) + OFF_CONTROL);
    }

    /** Whether the control word is of a live entry. */
    public static boolean isLive(long word) {
        return life(word) == LIVE;
    }

    /** Whether two control words belong to the same incarnation of a slot. */
    public static boolean sameIncarnation(long a, long b) {
        return ((a ^ b) & SEQ_MASK) == 0;
    }

    /**
     * Changes the state and flags of a live entry if its control word is still
     * {@code expected} (a CAS). Workers; allocation-free.
     */
    public boolean compareAndSetControl(int slot, long expected, long updated) {
        return LONG.compareAndSet(slots, offset(slot) + OFF_CONTROL, expected, updated);
    }

    // ------------------------------------------------------------------ lookups

    /**
     * The slot of the live entry with this key, or {@link #NOT_FOUND}. Expiry is not
     * checked here. The slot held the key when it was found; it may be removed and reused
     * for another key right after, so a caller that goes on to read or change it uses
     * {@link #lookupRef} instead. Workers; lock-free, allocation-free.
     *
     * @param caddr client IPv4 address, host byte order
     * @param cport client port, host byte order
     * @param vaddr virtual IPv4 address (or fwmark for fwmark templates), host byte order
     * @param vport virtual port, host byte order
     */
    public int lookup(int kind, int proto, int caddr, int cport, int vaddr, int vport) {
        return slotOf(lookupRef(kind, proto, caddr, cport, vaddr, vport));
    }

    /**
     * The live entry with this key as a reference to the incarnation that was found (its
     * slot and version), or {@link #NOT_FOUND}. Between the lookup and the caller's next
     * read the entry may be removed and its slot reused for another key; a control word
     * read afterwards belongs to the entry found exactly when {@link #isIncarnation} says
     * so, and a CAS from that word then acts on it. Workers; lock-free, allocation-free.
     *
     * @param caddr client IPv4 address, host byte order
     * @param cport client port, host byte order
     * @param vaddr virtual IPv4 address (or fwmark for fwmark templates), host byte order
     * @param vport virtual port, host byte order
     * @return {@code slot << 16 | version}, or {@link #NOT_FOUND}
     */
    public long lookupRef(int kind, int proto, int caddr, int cport, int vaddr, int vport) {
        return lookupRef(keyHash(kind, proto, caddr, cport, vaddr, vport), (kind << 8) | proto, caddr,
                (cport << 16) | (vport & 0xFFFF), vaddr);
    }

    private long lookupRef(long h, int pk, int caddr, int ports, int vaddr) {
        int tag = tag(h);
        int i = position(h, slotCount);
        for (int n = 0; n < probeLimit; ) {
            long w = (long) LONG.getAcquire(slots, offset(i) + OFF_CONTROL);
            int life = life(w);
            if (life == EMPTY) {
                return NOT_FOUND;
            }
            if (life == LIVE && wordTag(w) == tag && (flags(w) & F_RETIRED) == 0) {
                int m = keyMatch(i, w, pk, caddr, ports, vaddr);
                if (m > 0) {
                    return ref(i, w);
                }
                if (m < 0) {
                    continue;
                }
            }
            i = next(i);
            n++;
        }
        return NOT_FOUND;
    }

    /**
     * Looks up every key of {@code batch} ({@link #lookupRef} for each, the results in
     * {@link Batch#ref}) in two passes: the first hashes all keys and reads their home slots,
     * so that the cache misses of the whole batch are outstanding at once instead of one after
     * the other; the second matches, mostly in cache by then. Workers; lock-free,
     * allocation-free.
     */
    public void lookupRefs(Batch batch) {
        int count = batch.size;
        long touched = 0;
        for (int k = 0; k < count; k++) {
            long h = keyHash(batch.pk[k] >>> 8, batch.pk[k] & 0xFF, batch.caddr[k], batch.ports[k] >>> 16,
                    batch.vaddr[k], batch.ports[k] & 0xFFFF);
            batch.hash[k] = h;
            touched += (long) LONG.getAcquire(slots, offset(position(h, slotCount)) + OFF_CONTROL);
        }
        batch.touched = touched;
        for (int k = 0; k < count; k++) {
            batch.refs[k] = lookupRef(batch.hash[k], batch.pk[k], batch.caddr[k], batch.ports[k], batch.vaddr[k]);
        }
    }

    /**
     * The keys of a batch of lookups and, after {@link #lookupRefs}, their results. Reused; owned
     * by one thread.
     */
    public static final class Batch {
        private final int[] pk;
        private final int[] caddr;
        private final int[] ports;
        private final int[] vaddr;
        private final long[] hash;
        private final long[] refs;
        private int size;
        @SuppressWarnings("unused") // what the first pass read, kept so that its loads are not elided
        private long touched;

        /** Room for {@code capacity} keys. */
        public Batch(int capacity) {
            pk = new int[capacity];
            caddr = new int[capacity];
            ports = new int[capacity];
            vaddr = new int[capacity];
            hash = new long[capacity];
            refs = new long[capacity];
        }

        /** Empties the batch. */
        public void clear() {
            size = 0;
        }

        /** Adds a key (as {@link #lookupRef} takes it) and returns its index; the batch must have room. */
        public int add(int kind, int proto, int caddr, int cport, int vaddr, int vport) {
            int k = size++;
            this.pk[k] = (kind << 8) | proto;
            this.caddr[k] = caddr;
            this.ports[k] = (cport << 16) | (vport & 0xFFFF);
            this.vaddr[k] = vaddr;
            return k;
        }

        /** Keys in the batch. */
        public int size() {
            return size;
        }

        /** The result of key {@code k}: as {@link #lookupRef} returns it. */
        public long ref(int k) {
            return refs[k];
        }
    }

    private static long ref(int slot, long word) {
        return ((long) slot << 16) | (word >>> VERSION_SHIFT);
    }

    /** The slot of an entry reference from {@link #lookupRef} or {@link #lookupReplyRef}; {@link #NOT_FOUND} stays. */
    public static int slotOf(long ref) {
        return ref < 0 ? NOT_FOUND : (int) (ref >>> 16);
    }

    /**
     * Whether the control word {@code word}, read from the slot of {@code ref}, is the
     * live incarnation the reference was taken from (not one that reused the slot since).
     */
    public static boolean isIncarnation(long ref, long word) {
        return life(word) == LIVE && (word >>> VERSION_SHIFT) == (ref & 0xFFFF);
    }

    /** 1 match, 0 no match, -1 slot changed while reading (re-examine). */
    private int keyMatch(int slot, long w, int pk, int caddr, int ports, int vaddr) {
        long base = offset(slot);
        boolean eq = (int) INT.get(slots, base + OFF_CADDR) == caddr
                && (int) INT.get(slots, base + OFF_PORTS) == ports
                && (int) INT.get(slots, base + OFF_VADDR) == vaddr
                && ((int) INT.get(slots, base + OFF_PROTO) & 0xFFFF) == pk;
        VarHandle.loadLoadFence();
        long w2 = (long) LONG.getAcquire(slots, base + OFF_CONTROL);
        if (!sameIncarnation(w, w2)) {
            return -1;
        }
        return eq && (flags(w2) & F_RETIRED) == 0 ? 1 : 0;
    }

    /**
     * The slot of the live NAT entry whose real-server side is this tuple (a reply's
     * source and destination), or {@link #NOT_FOUND}. Like {@link #lookup}, the slot may
     * be reused right after; see {@link #lookupReplyRef}. Workers; lock-free,
     * allocation-free.
     *
     * @param daddr real server address, host byte order
     * @param dport real server port, host byte order
     * @param caddr client address, host byte order
     * @param cport client port, host byte order
     */
    public int lookupReply(int proto, int daddr, int dport, int caddr, int cport) {
        return slotOf(lookupReplyRef(proto, daddr, dport, caddr, cport));
    }

    /**
     * {@link #lookupReply} as a reference to the incarnation found (see {@link #lookupRef}
     * and {@link #isIncarnation}), or {@link #NOT_FOUND}. Workers; lock-free,
     * allocation-free.
     *
     * @param daddr real server address, host byte order
     * @param dport real server port, host byte order
     * @param caddr client address, host byte order
     * @param cport client port, host byte order
     */
    public long lookupReplyRef(int proto, int daddr, int dport, int caddr, int cport) {
        long h = replyHash(proto, daddr, dport, caddr, cport);
        int b = position(h, replyCount);
        for (int n = 0; n < probeLimit; n++) {
            int v = (int) INT.getAcquire(reply, (long) b * Integer.BYTES);
            if (v == REPLY_EMPTY) {
                return NOT_FOUND;
            }
            if (v != REPLY_TOMB) {
                int slot = v - 1;
                long r = replyMatch(slot, proto, daddr, dport, caddr, cport);
                if (r >= 0) {
                    return r;
                }
            }
            b = b + 1 == replyCount ? 0 : b + 1;
        }
        return NOT_FOUND;
    }

    /** The reference of the entry in {@code slot} if its real-server side is this tuple, else {@link #NOT_FOUND}. */
    private long replyMatch(int slot, int proto, int daddr, int dport, int caddr, int cport) {
        long base = offset(slot);
        for (;;) {
            long w = (long) LONG.getAcquire(slots, base + OFF_CONTROL);
            if (life(w) != LIVE || (flags(w) & F_REPLY_INDEXED) == 0) {
                return NOT_FOUND;
            }
            int pk = (int) INT.get(slots, base + OFF_PROTO);
            boolean eq = (int) INT.get(slots, base + OFF_DADDR) == daddr
                    && (int) INT.get(slots, base + OFF_CADDR) == caddr
                    && ((int) INT.get(slots, base + OFF_PORTS) >>> 16) == cport
                    && (pk >>> 16) == dport
                    && (pk & 0xFFFF) == proto;
            VarHandle.loadLoadFence();
            long w2 = (long) LONG.getAcquire(slots, base + OFF_CONTROL);
            if (sameIncarnation(w, w2)) {
                return eq ? ref(slot, w2) : NOT_FOUND;
            }
        }
    }

    // ------------------------------------------------------------------ insert

    /**
     * Claims a slot for a new entry with this key. Workers; lock-free, allocation-free.
     *
     * @return the claimed slot (in WRITING; the caller {@link #fill fills} it, then
     *         {@link #publish publishes} or {@link #abort aborts} it), {@link #FULL}, or
     *         {@code -2 - slot} when a live entry with the key exists (see {@link #existing})
     */
    public int claim(int kind, int proto, int caddr, int cport, int vaddr, int vport) {
        long h = keyHash(kind, proto, caddr, cport, vaddr, vport);
        int home = position(h, slotCount);
        int tag = tag(h);
        int ports = (cport << 16) | (vport & 0xFFFF);
        int pk = (kind << 8) | proto;
        for (;;) {
            int free = -1;
            long freeWord = 0;
            boolean restart = false;
            int i = home;
            for (int n = 0; n < probeLimit; ) {
                long w = control(i);
                int life = life(w);
                if (life == EMPTY) {
                    if (free < 0) {
                        free = i;
                        freeWord = w;
                    }
                    break;
                }
                if (life == FENCE) {
                    Thread.onSpinWait();
                    restart = true;
                    break;
                }
                if (life == DEAD) {
                    if (free < 0) {
                        free = i;
                        freeWord = w;
                    }
                } else if (wordTag(w) == tag) {
                    if (life == LIVE && (flags(w) & F_RETIRED) == 0) {
                        int m = keyMatch(i, w, pk, caddr, ports, vaddr);
                        if (m > 0) {
                            return -2 - i;
                        }
                        if (m < 0) {
                            continue;
                        }
                    } else if (life == WRITING) {
                        if (awaitChange(i, w)) {
                            continue;
                        }
                    }
                }
                i = next(i);
                n++;
            }
            if (restart) {
                continue;
            }
            if (free < 0 || !reserve()) {
                return FULL;
            }
            long claimed = ((freeWord & VERSION_MASK) + VERSION_ONE) | ((long) tag << TAG_SHIFT) | WRITING;
            if (!LONG.compareAndSet(slots, offset(free) + OFF_CONTROL, freeWord, claimed)) {
                unreserve();
                continue;
            }
            long base = offset(free);
            INT.set(slots, base + OFF_CADDR, caddr);
            INT.set(slots, base + OFF_VADDR, vaddr);
            INT.set(slots, base + OFF_PORTS, ports);
            INT.set(slots, base + OFF_PROTO, pk);
            VarHandle.storeStoreFence();
            int v = validate(free, home, tag, pk, caddr, ports, vaddr);
            if (v == VALIDATED) {
                return free;
            }
            abort(free);
            if (v >= 0) {
                return -2 - v;
            }
        }
    }

    /** The existing slot encoded in a {@link #claim} result below {@link #FULL}. */
    public static int existing(int claimResult) {
        return -2 - claimResult;
    }

    /** VALIDATED, RETRY, or the slot of a live entry with the same key. */
    private int validate(int own, int home, int tag, int pk, int caddr, int ports, int vaddr) {
        boolean beforeOwn = true;
        int i = home;
        for (int n = 0; n < probeLimit; ) {
            if (i == own) {
                beforeOwn = false;
                i = next(i);
                n++;
                continue;
            }
            long w = control(i);
            int life = life(w);
            if (life == EMPTY) {
                return beforeOwn ? RETRY : VALIDATED;
            }
            if (life == FENCE) {
                if (beforeOwn || !awaitChange(i, w)) {
                    return RETRY;
                }
                continue;
            }
            if (wordTag(w) == tag) {
                if (life == LIVE && (flags(w) & F_RETIRED) == 0) {
                    int m = keyMatch(i, w, pk, caddr, ports, vaddr);
                    if (m > 0) {
                        return i;
                    }
                    if (m < 0) {
                        continue;
                    }
                } else if (life == WRITING) {
                    if (beforeOwn || !awaitChange(i, w)) {
                        return RETRY;
                    }
                    continue;
                }
            }
            i = next(i);
            n++;
        }
        return VALIDATED;
    }

    /** Spins (then yields) until the control word of {@code slot} differs from {@code w}, bounded. */
    private boolean awaitChange(int slot, long w) {
        for (int spins = 0; spins < MAX_WAIT_SPINS; spins++) {
            if (control(slot) != w) {
                return true;
            }
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return false;
    }

    /**
     * Counts one more entry against the capacity: from this thread's credits when it has
     * {@link #attachCredits attached} some (refilled {@link #CREDIT_CHUNK} at a time from the
     * shared count), else from the shared count; when that is exhausted, from another thread's
     * credits, so the table admits exactly its capacity.
     */
    private boolean reserve() {
        Credits own = localCredits.get();
        if (own != null) {
            if (takeHeld(own)) {
                return true;
            }
            long got = takeShared(CREDIT_CHUNK);
            if (got > 0) {
                HELD.getAndAdd(own, got - 1);
                return true;
            }
        } else if (takeShared(1) == 1) {
            return true;
        }
        for (Credits other : holders) {
            if (takeHeld(other)) {
                return true;
            }
        }
        return false;
    }

    /** Takes one of the credits {@code c} holds, if it holds any. */
    private static boolean takeHeld(Credits c) {
        for (;;) {
            long h = (long) HELD.getVolatile(c);
            if (h <= 0) {
                return false;
            }
            if (HELD.compareAndSet(c, h, h - 1)) {
                return true;
            }
        }
    }

    /** Takes up to {@code n} entries from the shared count; how many it took. */
    private long takeShared(long n) {
        for (;;) {
            long t = (long) TAKEN.getVolatile(this);
            long got = Math.min(n, capacity - t);
            if (got <= 0) {
                return 0;
            }
            if (TAKEN.compareAndSet(this, t, t + got)) {
                return got;
            }
        }
    }

    /**
     * Counts one entry less: into this thread's credits (a chunk back to the shared count when
     * they pile up), or the shared count.
     */
    private void unreserve() {
        Credits own = localCredits.get();
        if (own == null) {
            TAKEN.getAndAdd(this, -1L);
            return;
        }
        long h = (long) HELD.getAndAdd(own, 1L) + 1;
        if (h > 2 * CREDIT_CHUNK && HELD.compareAndSet(own, h, h - CREDIT_CHUNK)) {
            TAKEN.getAndAdd(this, (long) -CREDIT_CHUNK);
        }
    }

    /**
     * Gives the calling thread credits: from now on it counts the entries it inserts and removes
     * against a count of its own, taking entries from the shared count {@link #CREDIT_CHUNK} at
     * a time, so that new connections write no cache line another worker writes. A worker
     * calls it once before its loop and {@link #detachCredits} after; the capacity stays exact
     * (a thread that finds the shared count spent takes from the others' credits).
     */
    public synchronized void attachCredits() {
        if (localCredits.get() != null) {
            return;
        }
        Credits c = new Credits();
        localCredits.set(c);
        Credits[] now = holders;
        Credits[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = c;
        holders = next;
    }

    /** Gives the calling thread's credits back to the shared count; its later inserts and removals use that. */
    public synchronized void detachCredits() {
        Credits c = localCredits.get();
        if (c == null) {
            return;
        }
        localCredits.remove();
        long h = (long) HELD.getAndSet(c, 0L);
        TAKEN.getAndAdd(this, -h);
        Credits[] now = holders;
        Credits[] next = new Credits[now.length - 1];
        int n = 0;
        for (Credits x : now) {
            if (x != c) {
                next[n++] = x;
            }
        }
        holders = next;
    }

    /** Padding before a thread's credit count: superclass fields are laid out first. */
    @SuppressWarnings("unused")
    private abstract static class CreditsPadding {
        private long p01, p02, p03, p04, p05, p06, p07, p08;
    }

    /** A thread's credit count, written by that thread and, when the table is nearly full, taken by others. */
    private abstract static class CreditsValue extends CreditsPadding {
        @SuppressWarnings("unused") // accessed through HELD
        volatile long held;
    }

    /** One thread's credits, padded on both sides against false sharing. */
    @SuppressWarnings("unused")
    private static final class Credits extends CreditsValue {
        private long p11, p12, p13, p14, p15, p16, p17, p18;
    }

    /**
     * Writes the payload of a claimed slot.
     *
     * @param destIndex the real server's registry index
     * @param daddr     real server address, host byte order
     * @param dport     real server port, host byte order
     * @param link      template: controlled count; connection: template slot or -1
     * @param expiryCs  expiry, centiseconds (see {@link ConnTracker#centis})
     */
    public void fill(int slot, int destIndex, int daddr, int dport, int link, int expiryCs) {
        long base = offset(slot);
        INT.set(slots, base + OFF_DEST, destIndex);
        INT.set(slots, base + OFF_DADDR, daddr);
        INT.set(slots, base + OFF_PROTO, ((int) INT.get(slots, base + OFF_PROTO) & 0xFFFF) | (dport << 16));
        INT.set(slots, base + OFF_LINK, link);
        INT.set(slots, base + OFF_EXPIRY, expiryCs);
    }

    /**
     * Makes a claimed and filled slot live, with its reply-index bucket first when
     * {@code indexReply}. Returns false (and aborts the slot) when the reply index has no
     * room in the probe window.
     */
    public boolean publish(int slot, int state, int flags, boolean indexReply) {
        long w = control(slot);
        int f = flags & ~F_REPLY_INDEXED;
        if (indexReply) {
            if (!replyInsert(slot)) {
                abort(slot);
                return false;
            }
            f |= F_REPLY_INDEXED;
        }
        long live = ((w & VERSION_MASK) + VERSION_ONE) | (w & TAG_MASK) | LIVE
                | ((long) state << STATE_SHIFT) | ((long) f << FLAGS_SHIFT);
        LONG.setRelease(slots, offset(slot) + OFF_CONTROL, live);
        return true;
    }

    /** Gives back a claimed slot (WRITING → DEAD, then EMPTY when it ends a probe chain). */
    public void abort(int slot) {
        long w = control(slot);
        LONG.setRelease(slots, offset(slot) + OFF_CONTROL, nextLife(w, DEAD));
        unreserve();
        clearTombstonesBackFrom(slot);
    }

    /** The reply-index hash of the entry in {@code slot} (its real-server side). */
    private long replyHashOf(int slot) {
        long base = offset(slot);
        int pk = (int) INT.get(slots, base + OFF_PROTO);
        return replyHash(pk & 0xFF, (int) INT.get(slots, base + OFF_DADDR), pk >>> 16,
                (int) INT.get(slots, base + OFF_CADDR), (int) INT.get(slots, base + OFF_PORTS) >>> 16);
    }

    private boolean replyInsert(int slot) {
        int b = position(replyHashOf(slot), replyCount);
        for (int n = 0; n < probeLimit; n++) {
            long off = (long) b * Integer.BYTES;
            int v = (int) INT.getVolatile(reply, off);
            if ((v == REPLY_EMPTY || v == REPLY_TOMB) && INT.compareAndSet(reply, off, v, slot + 1)) {
                return true;
            }
            b = b + 1 == replyCount ? 0 : b + 1;
        }
        return false;
    }

    private void replyRemove(int slot) {
        int b = position(replyHashOf(slot), replyCount);
        for (int n = 0; n < probeLimit; n++) {
            long off = (long) b * Integer.BYTES;
            int v = (int) INT.getVolatile(reply, off);
            if (v == REPLY_EMPTY) {
                return;
            }
            if (v == slot + 1 && INT.compareAndSet(reply, off, v, REPLY_TOMB)) {
                return;
            }
            b = b + 1 == replyCount ? 0 : b + 1;
        }
    }

    // ------------------------------------------------------------------ removal

    /**
     * Starts removing a live entry: CAS LIVE → DYING from {@code expected}. Exactly one
     * caller wins for an incarnation; only the winner undoes the entry's accounting and
     * then calls {@link #finishRemove}.
     */
    public boolean beginRemove(int slot, long expected) {
        if (life(expected) != LIVE) {
            return false;
        }
        long dying = ((expected & VERSION_MASK) + VERSION_ONE) | (expected & ~(VERSION_MASK | LIFE_MASK)) | DYING;
        return LONG.compareAndSet(slots, offset(slot) + OFF_CONTROL, expected, dying);
    }

    /** Ends a removal begun by {@link #beginRemove}: reply bucket removed, slot DEAD. */
    public void finishRemove(int slot) {
        long w = control(slot);
        if ((flags(w) & F_REPLY_INDEXED) != 0) {
            replyRemove(slot);
        }
        LONG.setRelease(slots, offset(slot) + OFF_CONTROL, nextLife(w, DEAD));
        unreserve();
        clearTombstonesBackFrom(slot);
    }

    /**
     * Clears the tombstone at {@code slot} if it ends a probe chain, and then the run of
     * tombstones before it, so that churn does not fill the table with tombstones.
     */
    private void clearTombstonesBackFrom(int slot) {
        int i = slot;
        for (int n = 0; n < probeLimit && clearTombstone(i); n++) {
            i = i == 0 ? slotCount - 1 : i - 1;
        }
    }

    /**
     * Turns a DEAD slot into EMPTY when no probe chain needs it: every entry between it
     * and the next EMPTY slot has its home slot after it. The slot is fenced meanwhile
     * (inserts wait, lookups pass over it); an entry being written or read inconsistently
     * keeps the tombstone. Any thread; allocation-free.
     *
     * @return whether the slot became EMPTY
     */
    public boolean clearTombstone(int slot) {
        long w = control(slot);
        if (life(w) != DEAD) {
            return false;
        }
        long fence = nextLife(w, FENCE);
        if (!LONG.compareAndSet(slots, offset(slot) + OFF_CONTROL, w, fence)) {
            return false;
        }
        boolean needed = false;
        boolean chainEnds = false;
        int q = next(slot);
        for (int n = 1; n < probeLimit && q != slot; n++) {
            long wq = control(q);
            int life = life(wq);
            if (life == EMPTY) {
                chainEnds = true;
                break;
            }
            if (life == LIVE) {
                int home = homeOf(q, wq);
                if (home < 0 || distance(home, q) >= n) {
                    needed = true;
                    break;
                }
            } else if (life == WRITING || life == FENCE) {
                needed = true;
                break;
            }
            q = next(q);
        }
        needed |= !chainEnds;
        LONG.setRelease(slots, offset(slot) + OFF_CONTROL, nextLife(fence, needed ? DEAD : EMPTY));
        return !needed;
    }

    /** Cyclic distance from slot a forward to slot b. */
    private int distance(int a, int b) {
        int d = b - a;
        return d < 0 ? d + slotCount : d;
    }

    /** The home slot of the live entry at {@code slot} read as {@code w}, or -1 if it changed. */
    private int homeOf(int slot, long w) {
        long base = offset(slot);
        int pk = (int) INT.get(slots, base + OFF_PROTO);
        int ports = (int) INT.get(slots, base + OFF_PORTS);
        long h = keyHash((pk >>> 8) & 0xFF, pk & 0xFF, (int) INT.get(slots, base + OFF_CADDR), ports >>> 16,
                (int) INT.get(slots, base + OFF_VADDR), ports & 0xFFFF);
        VarHandle.loadLoadFence();
        return sameIncarnation(w, control(slot)) ? position(h, slotCount) : -1;
    }

    /** Whether the slot holds a tombstone. */
    public boolean isTombstone(int slot) {
        return life(control(slot)) == DEAD;
    }

    // ------------------------------------------------------------------ fields

    /** Expiry, centiseconds (wrapping). */
    public int expiryCs(int slot) {
        return (int) INT.getAcquire(slots, offset(slot) + OFF_EXPIRY);
    }

    public void expiryCs(int slot, int expiryCs) {
        INT.setRelease(slots, offset(slot) + OFF_EXPIRY, expiryCs);
    }

    /** The real server's registry index. */
    public int destIndex(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_DEST);
    }

    /** Link field: template's controlled count, or a connection's template slot. */
    public int link(int slot) {
        return (int) INT.getVolatile(slots, offset(slot) + OFF_LINK);
    }

    public boolean compareAndSetLink(int slot, int expected, int updated) {
        return INT.compareAndSet(slots, offset(slot) + OFF_LINK, expected, updated);
    }

    /** Adds to the link field atomically and returns the new value. */
    public int addLink(int slot, int delta) {
        return (int) INT.getAndAdd(slots, offset(slot) + OFF_LINK, delta) + delta;
    }

    /** Real server address, host byte order. */
    public int daddr(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_DADDR);
    }

    /** Real server port, host byte order. */
    public int dport(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_PROTO) >>> 16;
    }

    /** Client address, host byte order. */
    public int caddr(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_CADDR);
    }

    /** Client port, host byte order. */
    public int cport(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_PORTS) >>> 16;
    }

    /** Virtual address (or fwmark of a fwmark template), host byte order. */
    public int vaddr(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_VADDR);
    }

    /** Virtual port, host byte order. */
    public int vport(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_PORTS) & 0xFFFF;
    }

    /** IP protocol number. */
    public int protocol(int slot) {
        return (int) INT.get(slots, offset(slot) + OFF_PROTO) & 0xFF;
    }

    /**
     * Copies a live entry into {@code view} consistently (seqlock read, repeated while the
     * slot changes underneath). Returns false when the slot holds no live entry. Any
     * thread; used by listings, draining and checks while workers run.
     */
    public boolean read(int slot, ConnView view) {
        long base = offset(slot);
        for (;;) {
            long w = (long) LONG.getAcquire(slots, base + OFF_CONTROL);
            if (life(w) != LIVE) {
                return false;
            }
            int pk = (int) INT.get(slots, base + OFF_PROTO);
            int ports = (int) INT.get(slots, base + OFF_PORTS);
            view.slot = slot;
            view.protocol = pk & 0xFF;
            view.kind = (pk >>> 8) & 0xFF;
            view.dport = pk >>> 16;
            view.caddr = (int) INT.get(slots, base + OFF_CADDR);
            view.cport = ports >>> 16;
            view.vaddr = (int) INT.get(slots, base + OFF_VADDR);
            view.vport = ports & 0xFFFF;
            view.daddr = (int) INT.get(slots, base + OFF_DADDR);
            view.destIndex = (int) INT.get(slots, base + OFF_DEST);
            view.link = (int) INT.getVolatile(slots, base + OFF_LINK);
            view.expiryCs = (int) INT.getAcquire(slots, base + OFF_EXPIRY);
            VarHandle.loadLoadFence();
            long w2 = (long) LONG.getAcquire(slots, base + OFF_CONTROL);
            if (sameIncarnation(w, w2)) {
                view.control = w2;
                view.state = state(w2);
                view.flags = flags(w2);
                view.inPkts = inPackets(view.flags);
                return true;
            }
        }
    }
}
