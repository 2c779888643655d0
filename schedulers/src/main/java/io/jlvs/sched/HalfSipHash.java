package io.jlvs.sched;

/**
 * The kernel's {@code hsiphash} as built on 64-bit machines: SipHash-1-3 (one
 * compression round, three finalisation rounds) with a key of two 64-bit words, the
 * 64-bit result truncated to its low 32 bits. Only the 4-byte input that Maglev hashing
 * feeds it is provided; the 4 bytes are read little-endian, as on x86.
 *
 * <p>Checked against the kernel's self-test vectors (key bytes 00..0f, input bytes
 * 00, 01, 02…). Pure function: safe on any thread, allocates nothing.
 */
final class HalfSipHash {
    private HalfSipHash() {
    }

    /**
     * hsiphash of any byte string, as the kernel computes it for {@code len} bytes: the
     * reference for {@link #hash32}. Control path and tests only (allocates).
     *
     * @return the 32-bit hash as an unsigned value in a long
     */
    static long hash(byte[] data, long k0, long k1) {
        long[] v = {0x736f6d6570736575L ^ k0, 0x646f72616e646f6dL ^ k1,
                0x6c7967656e657261L ^ k0, 0x7465646279746573L ^ k1};
        int len = data.length;
        int whole = len & ~7;
        for (int off = 0; off < whole; off += 8) {
            long m = 0;
            for (int j = 7; j >= 0; j--) {
                m = (m << 8) | (data[off + j] & 0xFF);
            }
            v[3] ^= m;
            round(v);
            v[0] ^= m;
        }
        long b = (long) len << 56;
        for (int j = len - 1; j >= whole; j--) {
            b |= (long) (data[j] & 0xFF) << (8 * (j - whole));
        }
        v[3] ^= b;
        round(v);
        v[0] ^= b;
        v[2] ^= 0xff;
        round(v);
        round(v);
        round(v);
        return (v[0] ^ v[1] ^ v[2] ^ v[3]) & 0xFFFF_FFFFL;
    }

    private static void round(long[] v) {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }

    /**
     * hsiphash of the 4 bytes of {@code value} in little-endian order.
     *
     * @return the 32-bit hash as an unsigned value in a long
     */
    static long hash32(int value, long k0, long k1) {
        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1;
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;
        long b = (4L << 56) | (value & 0xFFFF_FFFFL);

        v3 ^= b;
        // one compression round
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int r = 0; r < 3; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (v0 ^ v1 ^ v2 ^ v3) & 0xFFFF_FFFFL;
    }
}
