package io.mnemos.util;

import java.util.Comparator;

/**
 * The two sorts Redis's replies depend on, ported so that elements that compare equal come out
 * in the same order as on a real server: glibc's qsort (a stable top-down merge sort in the glibc
 * Redis 7.0 runs on) and Redis's pqsort (pqsort.c, NetBSD's quicksort that only finishes the part
 * of the array inside a range of positions, used when only the first N results are wanted).
 * Comparators are used exactly as C uses them, even when they are not consistent (NaN).
 */
public final class LibcSorts {
    private LibcSorts() {
    }

    /** glibc's qsort (msort_with_tmp): halves sorted recursively, merged taking the left on ties. */
    public static <T> void qsort(T[] a, int n, Comparator<? super T> cmp) {
        if (n <= 1) {
            return;
        }
        @SuppressWarnings("unchecked")
        T[] tmp = (T[]) new Object[n];
        msort(a, 0, n, tmp, cmp);
    }

    private static <T> void msort(T[] a, int from, int n, T[] tmp, Comparator<? super T> cmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        int b1 = from;
        int b2 = from + n1;
        msort(a, b1, n1, tmp, cmp);
        msort(a, b2, n2, tmp, cmp);
        int t = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(a[b1], a[b2]) <= 0) {
                tmp[t++] = a[b1++];
                n1--;
            } else {
                tmp[t++] = a[b2++];
                n2--;
            }
        }
        while (n1 > 0) {
            tmp[t++] = a[b1++];
            n1--;
        }
        // Whatever is left of the second half is already in place.
        System.arraycopy(tmp, 0, a, from, t);
    }

    /**
     * Redis's pqsort: sorts enough of {@code a[0..n)} that positions {@code lrange..rrange}
     * (inclusive) hold the elements a full sort would put there, in order.
     */
    public static <T> void pqsort(T[] a, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        pqsort(a, 0, n, cmp, lrange, rrange);
    }

    private static <T> void pqsort(T[] x, int a, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        while (true) {
            if (n < 7) {
                insertionSort(x, a, n, cmp);
                return;
            }
            int pm = a + n / 2;
            if (n > 7) {
                int pl = a;
                int pn = a + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(x, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(x, pm - d, pm, pm + d, cmp);
                    pn = med3(x, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(x, pl, pm, pn, cmp);
            }
            swap(x, a, pm);
            int pa = a + 1;
            int pb = a + 1;
            int pc = a + n - 1;
            int pd = a + n - 1;
            for (;;) {
                int r;
                while (pb <= pc && (r = cmp.compare(x[pb], x[a])) <= 0) {
                    if (r == 0) {
                        swap(x, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(x[pc], x[a])) >= 0) {
                    if (r == 0) {
                        swap(x, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(x, pb, pc);
                pb++;
                pc--;
            }
            int pn = a + n;
            int r = Math.min(pa - a, pb - pa);
            vecswap(x, a, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(x, pb, pn - r, r);
            if ((r = pb - pa) > 1 && overlaps(a, a + r - 1, lrange, rrange)) {
                pqsort(x, a, r, cmp, lrange, rrange);
            }
            if ((r = pd - pc) > 1) {
                a = pn - r;
                n = r;
                if (overlaps(a, a + r - 1, lrange, rrange)) {
                    continue; // iterate rather than recurse, as the C code does
                }
            }
            return;
        }
    }

    /** Whether positions {@code l..r} matter for the wanted range (pqsort's test, in element units). */
    private static boolean overlaps(int l, int r, int lrange, int rrange) {
        return !((lrange < l && rrange < l) || (lrange > r && rrange > r));
    }

    private static <T> void insertionSort(T[] x, int a, int n, Comparator<? super T> cmp) {
        for (int pm = a + 1; pm < a + n; pm++) {
            for (int pl = pm; pl > a && cmp.compare(x[pl - 1], x[pl]) > 0; pl--) {
                swap(x, pl, pl - 1);
            }
        }
    }

    private static <T> int med3(T[] x, int a, int b, int c, Comparator<? super T> cmp) {
        return cmp.compare(x[a], x[b]) < 0
                ? (cmp.compare(x[b], x[c]) < 0 ? b : (cmp.compare(x[a], x[c]) < 0 ? c : a))
                : (cmp.compare(x[b], x[c]) > 0 ? b : (cmp.compare(x[a], x[c]) < 0 ? a : c));
    }

    private static <T> void swap(T[] x, int i, int j) {
        T t = x[i];
        x[i] = x[j];
        x[j] = t;
    }

    private static <T> void vecswap(T[] x, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(x, i + k, j + k);
        }
    }
}
