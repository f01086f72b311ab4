package io.mnemos.util;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Redis's pqsort port: the wanted range comes out as a full sort's, the rest is left partly sorted. */
class PartialQuickSortTest {
    private static final Comparator<Integer> NATURAL = Comparator.naturalOrder();

    @Test
    void theRequestedRangeHoldsWhatAFullSortPutsThere() {
        Random rnd = new Random(7);
        for (int round = 0; round < 2000; round++) {
            int n = rnd.nextInt(120);
            Integer[] a = new Integer[n];
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextInt(n / 2 + 1);
            }
            Integer[] sorted = a.clone();
            Arrays.sort(sorted);
            int lo = n == 0 ? 0 : rnd.nextInt(n);
            int hi = n == 0 ? -1 : lo + rnd.nextInt(n - lo);
            PartialQuickSort.sort(a, NATURAL, lo, hi);
            for (int i = lo; i <= hi; i++) {
                assertEquals(sorted[i], a[i], "n=" + n + " range " + lo + ".." + hi + " at " + i);
            }
        }
    }

    @Test
    void aRangeCoveringEverythingSortsEverything() {
        Integer[] a = {5, 3, 9, 1, 7, 3, 0, 8, 2, 6, 4};
        PartialQuickSort.sort(a, NATURAL, 0, a.length - 1);
        assertArrayEquals(new Integer[] {0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9}, a);
    }

    @Test
    void partitionsOutsideTheRangeAreNotSorted() {
        // 50 descending numbers, top 3 wanted: the tail partition is never recursed into.
        Integer[] a = new Integer[50];
        for (int i = 0; i < a.length; i++) {
            a[i] = a.length - i;
        }
        PartialQuickSort.sort(a, NATURAL, 0, 2);
        assertArrayEquals(new Integer[] {1, 2, 3}, Arrays.copyOf(a, 3));
        Integer[] rest = Arrays.copyOfRange(a, 3, a.length);
        Integer[] restSorted = rest.clone();
        Arrays.sort(restSorted);
        assertEquals(false, Arrays.equals(rest, restSorted), "the rest was left unsorted: " + Arrays.toString(rest));
    }

    @Test
    void smallArraysAreInsertionSortedAndKeepEqualElementsInOrder() {
        // Under 7 elements pqsort is an insertion sort, which is stable: equal keys keep their order.
        String[] a = {"b1", "a1", "b2", "a2", "c1", "a3"};
        PartialQuickSort.sort(a, Comparator.comparing((String s) -> s.charAt(0)), 0, 5);
        assertArrayEquals(new String[] {"a1", "a2", "a3", "b1", "b2", "c1"}, a);
    }
}
