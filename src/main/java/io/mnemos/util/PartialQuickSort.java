package io.mnemos.util;

import java.util.Comparator;

/**
 * Redis's pqsort (src/pqsort.c): NetBSD's Bentley-McIlroy quicksort that only recurses into the
 * partitions overlapping the wanted range, so that SORT ... BY ... LIMIT sorts just the part it
 * returns. It is not stable; SORT ... ALPHA BY orders elements with equal weights as this exact
 * sequence of comparisons and swaps leaves them, so this is a line-for-line port, on indexes
 * instead of byte pointers.
 */
public final class PartialQuickSort {
    private PartialQuickSort() {
    }

    /**
     * Sorts {@code a} so that positions {@code lrange..rrange} (inclusive) hold what a full sort
     * would put there; other positions end up partially ordered.
     */
    public static <T> void sort(T[] a, Comparator<? super T> cmp, long lrange, long rrange) {
        sort(a, 0, a.length, cmp, lrange, rrange);
    }

    private static <T> void sort(T[] a, int base, int n, Comparator<? super T> cmp, long lrange, long rrange) {
        while (true) {
            boolean swapped = false;
            if (n < 7) {
                insertionSort(a, base, n, cmp);
                return;
            }
            int pm = base + n / 2;
            if (n > 7) {
                int pl = base;
                int pn = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(a, pm - d, pm, pm + d, cmp);
                    pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(a, pl, pm, pn, cmp);
            }
            swap(a, base, pm);
            int pa = base + 1;
            int pb = pa;
            int pc = base + n - 1;
            int pd = pc;
            for (;;) {
                int r;
                while (pb <= pc && (r = cmp.compare(a[pb], a[base])) <= 0) {
                    if (r == 0) {
                        swapped = true;
                        swap(a, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(a[pc], a[base])) >= 0) {
                    if (r == 0) {
                        swapped = true;
                        swap(a, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(a, pb, pc);
                swapped = true;
                pb++;
                pc--;
            }
            if (!swapped) { // no swap at all: switch to insertion sort
                insertionSort(a, base, n, cmp);
                return;
            }
            int pn = base + n;
            int r = Math.min(pa - base, pb - pa);
            vecswap(a, base, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(a, pb, pn - r, r);
            if ((r = pb - pa) > 1 && overlaps(base, r, lrange, rrange)) {
                sort(a, base, r, cmp, lrange, rrange);
            }
            if ((r = pd - pc) > 1) {
                // Iterate rather than recurse, as the C code does.
                base = pn - r;
                n = r;
                if (overlaps(base, n, lrange, rrange)) {
                    continue;
                }
            }
            return;
        }
    }

    /** Whether positions {@code base..base+n-1} hold part of the wanted range (not both ends outside on one side). */
    private static boolean overlaps(int base, int n, long lrange, long rrange) {
        long end = (long) base + n;
        return !((lrange < base && rrange < base) || (lrange >= end && rrange >= end));
    }

    private static <T> void insertionSort(T[] a, int base, int n, Comparator<? super T> cmp) {
        for (int pm = base + 1; pm < base + n; pm++) {
            for (int pl = pm; pl > base && cmp.compare(a[pl - 1], a[pl]) > 0; pl--) {
                swap(a, pl, pl - 1);
            }
        }
    }

    private static <T> int med3(T[] a, int x, int y, int z, Comparator<? super T> cmp) {
        return cmp.compare(a[x], a[y]) < 0
                ? (cmp.compare(a[y], a[z]) < 0 ? y : (cmp.compare(a[x], a[z]) < 0 ? z : x))
                : (cmp.compare(a[y], a[z]) > 0 ? y : (cmp.compare(a[x], a[z]) < 0 ? x : z));
    }

    private static void swap(Object[] a, int i, int j) {
        Object t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Swaps the {@code n} elements from {@code i} with the {@code n} elements from {@code j}. */
    private static void vecswap(Object[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }
}
