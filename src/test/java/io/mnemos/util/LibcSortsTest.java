package io.mnemos.util;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two C sorts. Orders of equal elements were produced by the C code (glibc 2.36's qsort,
 * Redis 7.0.15's pqsort.c) on the same inputs.
 */
class LibcSortsTest {
    /** {key, original position}, compared by key only, as geo's sort_gp_asc compares distances. */
    private static final Comparator<double[]> BY_KEY = (a, b) -> a[0] > b[0] ? 1 : a[0] == b[0] ? 0 : -1;

    private static double[][] items(double... keys) {
        double[][] items = new double[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            items[i] = new double[] {keys[i], i};
        }
        return items;
    }

    private static int[] positions(double[][] items, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = (int) items[i][1];
        }
        return p;
    }

    @Test
    void qsortIsAStableMergeSort() {
        double[][] a = items(3, 1, 2, 1, 3, 0, 1);
        LibcSorts.qsort(a, a.length, BY_KEY);
        assertArrayEquals(new int[] {5, 1, 3, 6, 2, 0, 4}, positions(a, a.length));
    }

    @Test
    void pqsortSortsTheRequestedPrefix() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(150);
            double[][] a = new double[n][];
            for (int i = 0; i < n; i++) {
                a[i] = new double[] {rnd.nextDouble(), i};
            }
            double[][] sorted = a.clone();
            Arrays.sort(sorted, BY_KEY);
            int k = 1 + rnd.nextInt(n);
            LibcSorts.pqsort(a, n, BY_KEY, 0, k - 1);
            for (int i = 0; i < k; i++) {
                assertEquals(sorted[i][0], a[i][0], "n=" + n + " k=" + k + " at " + i);
            }
        }
    }

    @Test
    void pqsortMovesEqualElementsAsRedisDoes() {
        // Twelve members found by a GEORADIUS ... COUNT 1 on redis-server 7.0.15 (distances in
        // found order); Redis answered with the one found eighth, position 7.
        double[][] a = items(17.3961, 0.0001, 0.0001, 0.0001, 0.0001, 0.0001, 0.0001, 0.0001, 0.0001, 24.5405,
                47.1044, 38.3151);
        LibcSorts.pqsort(a, a.length, BY_KEY, 0, 0);
        assertEquals(7, (int) a[0][1]);
        // Eleven equal keys: the median of three is the last one, swapped to the front.
        double[][] ties = items(new double[11]);
        LibcSorts.pqsort(ties, ties.length, BY_KEY, 0, 2);
        assertEquals(10, (int) ties[0][1]);
    }
}
