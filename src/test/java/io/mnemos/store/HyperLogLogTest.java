package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HLL representation on its own: encodings, promotion, merge and the estimator. */
class HyperLogLogTest {
    private static byte[] element(int i) {
        return ("element:" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] registers(HyperLogLog h) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        assertTrue(h.mergeInto(max));
        return max;
    }

    @Test
    void anEmptyHllIsASparseHeaderAndOneXzeroOpcode() {
        byte[] v = HyperLogLog.create().toBytes();
        assertArrayEquals(HexFormat.of().parseHex("48594c4c01000000000000000000000" + "07fff"), v);
        assertTrue(HyperLogLog.isValid(v));
        assertEquals(0, HyperLogLog.wrap(v, v.length, 0).count());
    }

    @Test
    void validityFollowsRedisChecks() {
        byte[] sparse = HyperLogLog.create().toBytes();
        assertFalse(HyperLogLog.isValid(Arrays.copyOf(sparse, 15)), "shorter than the header");
        byte[] badMagic = sparse.clone();
        badMagic[3] = 'X';
        assertFalse(HyperLogLog.isValid(badMagic));
        byte[] badEncoding = sparse.clone();
        badEncoding[4] = 2;
        assertFalse(HyperLogLog.isValid(badEncoding));
        byte[] shortDense = sparse.clone();
        shortDense[4] = HyperLogLog.DENSE;
        assertFalse(HyperLogLog.isValid(shortDense), "dense must be exactly " + HyperLogLog.DENSE_SIZE + " bytes");
        byte[] dense = HyperLogLog.denseForTest().toBytes();
        assertEquals(HyperLogLog.DENSE_SIZE, dense.length);
        assertTrue(HyperLogLog.isValid(dense));
        assertTrue(HyperLogLog.isValid(Arrays.copyOf(sparse, 16)), "any sparse length from the header on");
    }

    @Test
    void sparseAndDenseHoldTheSameRegistersAndCounts() {
        HyperLogLog sparse = HyperLogLog.create();
        HyperLogLog dense = HyperLogLog.denseForTest();
        long unlimited = Long.MAX_VALUE;
        for (int i = 0; i < 5000; i++) {
            int a = sparse.add(element(i), unlimited);
            int b = dense.add(element(i), unlimited);
            assertEquals(b, a, "changed flag for element " + i);
            if (i % 500 == 0) {
                assertArrayEquals(registers(dense), registers(sparse), "registers after " + i);
                assertEquals(dense.count(), sparse.count(), "count after " + i);
            }
        }
        assertEquals(HyperLogLog.SPARSE, sparse.encoding());
        assertTrue(sparse.sparseToDense());
        // Same registers; the header differs only in the cache bit that sparse writes set themselves.
        assertArrayEquals(Arrays.copyOfRange(dense.toBytes(), 16, HyperLogLog.DENSE_SIZE),
                Arrays.copyOfRange(sparse.toBytes(), 16, HyperLogLog.DENSE_SIZE), "the dense conversion of the sparse form");
        assertFalse(sparse.validCache());
    }

    @Test
    void sparseNeverGrowsPastTheLimitAndPromotesToDense() {
        long limit = 300;
        HyperLogLog h = HyperLogLog.create();
        int i = 0;
        while (h.encoding() == HyperLogLog.SPARSE) {
            h.add(element(i++), limit);
            if (h.encoding() == HyperLogLog.SPARSE) {
                assertTrue(h.length() <= limit, "sparse length " + h.length());
            }
        }
        assertEquals(HyperLogLog.DENSE_SIZE, h.length());
        assertTrue(i > 50 && i < 300, "promoted after " + i + " elements");
    }

    @Test
    void registerValuesAboveThirtyTwoNeedTheDenseEncoding() {
        HyperLogLog h = HyperLogLog.create();
        h.raise(100, 32, 3000);
        assertEquals(HyperLogLog.SPARSE, h.encoding());
        h.raise(200, 33, 3000);
        assertEquals(HyperLogLog.DENSE, h.encoding());
        assertEquals(32, h.denseRegister(100));
        assertEquals(33, h.denseRegister(200));
        h.raise(HyperLogLog.REGISTERS - 1, 63, 3000);
        assertEquals(63, h.denseRegister(HyperLogLog.REGISTERS - 1), "the last register, at the end of the value");
        assertEquals(0, h.denseRegister(HyperLogLog.REGISTERS - 2));
    }

    @Test
    void adjacentEqualValuesMergeIntoOneOpcode() {
        HyperLogLog h = HyperLogLog.create();
        for (int r = 10; r < 14; r++) {
            h.raise(r, 3, 3000);
        }
        assertEquals("z:10 v:3,4 Z:16370", h.decodeSparse());
        h.raise(14, 3, 3000);
        assertEquals("z:10 v:3,4 v:3,1 Z:16369", h.decodeSparse(), "at most 4 registers per VAL opcode");
        h.raise(12, 5, 3000);
        assertEquals("z:10 v:3,2 v:5,1 v:3,2 Z:16369", h.decodeSparse(), "split, then merged with the right");
    }

    @Test
    void corruptedSparseValuesAreDetected() {
        byte[] v = HyperLogLog.create().toBytes();
        v[17] = 0x00; // XZERO of 16129 registers instead of 16384
        HyperLogLog h = HyperLogLog.wrap(v, v.length, 0);
        assertEquals(-1, h.count());
        assertFalse(h.mergeInto(new byte[HyperLogLog.REGISTERS]));
        assertFalse(h.sparseToDense());
        assertEquals(HyperLogLog.SPARSE, h.encoding(), "a failed conversion changes nothing");
    }

    @Test
    void theCachedCardinalityIsLittleEndianWithAStaleBit() {
        HyperLogLog h = HyperLogLog.create();
        assertTrue(h.validCache());
        h.setCachedCardinality(0x0102030405L);
        assertEquals(0x0102030405L, h.cachedCardinality());
        assertEquals(0x05, h.toBytes()[8]);
        h.invalidateCache();
        assertFalse(h.validCache());
        assertEquals((byte) 0x80, h.toBytes()[15]);
    }

    @Test
    void estimatesStayWithinTheStandardError() {
        HyperLogLog h = HyperLogLog.create();
        int n = 0;
        for (int target : new int[] {1, 10, 100, 1000, 10_000, 100_000}) {
            while (n < target) {
                h.add(element(n++), 3000);
            }
            long estimate = h.count();
            if (target <= 10) {
                assertEquals(target, estimate);
            } else {
                assertTrue(Math.abs(estimate - target) <= 3 * 0.0081 * target, estimate + " for " + target);
            }
        }
    }

    @Test
    void rawRegisterCountMatchesTheEncodedCount() {
        HyperLogLog h = HyperLogLog.create();
        for (int i = 0; i < 20_000; i++) {
            h.add(element(i), 3000);
        }
        assertEquals(h.count(), HyperLogLog.countRaw(registers(h)));
        assertEquals(0, HyperLogLog.countRaw(new byte[HyperLogLog.REGISTERS]));
    }

    @Test
    void murmurHash64AIsLittleEndianWordByWord() {
        // The hash reads 8-byte words little endian, then the tail bytes.
        long a = HyperLogLog.murmurHash64A("abcdefgh".getBytes(StandardCharsets.US_ASCII), 0xadc83b19);
        long b = HyperLogLog.murmurHash64A("abcdefgh".getBytes(StandardCharsets.US_ASCII), 0xadc83b19);
        assertEquals(a, b);
        for (int len = 0; len < 20; len++) {
            byte[] k = new byte[len];
            long h1 = HyperLogLog.murmurHash64A(k, 0xadc83b19);
            long h2 = HyperLogLog.murmurHash64A(Arrays.copyOf(k, len + 1), 0xadc83b19);
            assertFalse(h1 == h2, "length is part of the hash: " + len);
        }
    }
}
