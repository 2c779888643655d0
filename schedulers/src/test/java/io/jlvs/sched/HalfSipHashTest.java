package io.jlvs.sched;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Known answers: the 64-bit {@code hsiphash} vectors of the kernel's {@code lib/siphash_kunit.c}. */
class HalfSipHashTest {
    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;
    private static final long[] VECTORS = {
        0x050fc4dcL, 0x7d57ca93L, 0x4dc7d44dL, 0xe7ddf7fbL, 0x88d38328L, 0x49533b67L, 0xc59f22a7L, 0x9bb11140L,
        0x8d299a8eL, 0x6c063de4L, 0x92ff097fL, 0xf94dc352L, 0x57b4d9a2L, 0x1229ffa7L, 0xc0f95d34L, 0x2a519956L,
        0x7d908b66L, 0x63dbd80cL, 0xb473e63eL, 0x8d297d1cL, 0xa6cce040L, 0x2b45f844L, 0xa320872eL, 0xdae6c123L,
        0x67349c8cL, 0x705b0979L, 0xca9913a5L, 0x4ade3b35L, 0xef6cd00dL, 0x4ab1e1f4L, 0x43c5e663L, 0x8c21d1bcL,
        0x16a7b60dL, 0x7a8ff9bfL, 0x1f2a753eL, 0xbf186b91L, 0xada26206L, 0xa3c33057L, 0xae3a36a1L, 0x7b108392L,
        0x99e41531L, 0x3f1ad944L, 0xc8138825L, 0xc28949a6L, 0xfaf8876bL, 0x9f042196L, 0x68b1d623L, 0x8b5114fdL,
        0xdf074c46L, 0x12cc86b3L, 0x0a52098fL, 0x9d292f9aL, 0xa2f41f12L, 0x43a71ed0L, 0x73f0bce6L, 0x70a7e980L,
        0x243c6d75L, 0xfdb71513L, 0xa67d8a08L, 0xb7e8f148L, 0xf7a644eeL, 0x0f1837f2L, 0x4b6694e0L, 0xb7bbb3a8L,
    };

    @Test
    void matchesKernelVectorsForEveryLength() {
        assertEquals(64, VECTORS.length);
        for (int len = 0; len < 64; len++) {
            byte[] in = new byte[len];
            for (int i = 0; i < len; i++) {
                in[i] = (byte) i;
            }
            assertEquals(VECTORS[len], HalfSipHash.hash(in, K0, K1), "length " + len);
        }
    }

    @Test
    void fourByteFormMatchesKernelOneU32Vector() {
        // hsiphash_1u32(0x03020100) == vector[4]: the bytes 00 01 02 03 read little-endian
        assertEquals(VECTORS[4], HalfSipHash.hash32(0x03020100, K0, K1));
    }

    @Test
    void fourByteFormAgreesWithGeneralForm() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 1000; n++) {
            int v = r.nextInt();
            long k = r.nextLong();
            byte[] le = {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
            assertEquals(HalfSipHash.hash(le, k, ~k), HalfSipHash.hash32(v, k, ~k));
        }
    }
}
