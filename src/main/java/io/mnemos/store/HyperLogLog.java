package io.mnemos.store;

import io.mnemos.util.Sds;

import java.util.Arrays;

/**
 * Redis 7.0's HyperLogLog representation (hyperloglog.c), bit for bit, working on the plain byte
 * arrays that hold string values: a 16-byte header ("HYLL", encoding, 3 unused bytes, cached
 * cardinality in little endian with bit 63 set when stale) followed by either 16384 dense 6-bit
 * registers (12288 bytes) or the sparse ZERO / XZERO / VAL opcodes.
 *
 * <p>An instance is a mutable working copy of one value, edited the way Redis edits its sds string
 * in place, including the sparse to dense promotion at {@code hll-sparse-max-bytes}; {@link
 * #toBytes()} gives the resulting value. Elements are hashed with MurmurHash64A (seed 0xadc83b19)
 * and counted with Ertl's improved estimator, exactly as Redis does, so values and counts are
 * interchangeable with a real server's.
 */
public final class HyperLogLog {
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int P_MASK = REGISTERS - 1;
    public static final int BITS = 6;
    public static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int HDR_SIZE = 16;
    public static final int DENSE_SIZE = HDR_SIZE + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    public static final int MAX_ENCODING = 1;
    public static final long DEFAULT_SPARSE_MAX_BYTES = 3000;

    private static final double ALPHA_INF = 0.721347520444481703680;
    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final int SPARSE_XZERO_MAX_LEN = 16384;

    /** The value's bytes; the capacity may exceed {@link #len} as an sds string's allocation does. */
    private byte[] buf;
    private int len;
    /** Redis's allocation of the value's sds, as {@link Sds} codes it (hllSparseSet grows it). */
    private int sds = Sds.MADE_TO_MEASURE;

    private HyperLogLog(byte[] buf, int len) {
        this.buf = buf;
        this.len = len;
    }

    /**
     * The HLL in the first {@code length} bytes of {@code bytes} (validated with {@link #isValid}),
     * edited in place until an edit needs more room ({@link #bytes} then differs), its sds allocated
     * as {@code sds} codes it. Read-only uses may wrap any value; edits need an array of the
     * caller's own ({@link Database#editString}).
     */
    public static HyperLogLog wrap(byte[] bytes, int length, int sds) {
        HyperLogLog h = new HyperLogLog(bytes, length);
        h.sds = sds;
        return h;
    }

    /** The array the HLL is in: the wrapped one, unless an edit had to reallocate. */
    public byte[] bytes() {
        return buf;
    }

    /** The value's sds allocation as {@link Sds} codes it. */
    public int sds() {
        return sds;
    }

    /** Redis's createHLLObject: an empty sparse HLL, one XZERO opcode covering all registers. */
    public static HyperLogLog create() {
        int sparseLen = HDR_SIZE + ((REGISTERS + (SPARSE_XZERO_MAX_LEN - 1)) / SPARSE_XZERO_MAX_LEN) * 2;
        HyperLogLog h = new HyperLogLog(new byte[sparseLen + 8], sparseLen);
        h.buf[0] = 'H';
        h.buf[1] = 'Y';
        h.buf[2] = 'L';
        h.buf[3] = 'L';
        h.buf[4] = SPARSE;
        int p = HDR_SIZE;
        int aux = REGISTERS;
        while (aux > 0) {
            int xzero = Math.min(SPARSE_XZERO_MAX_LEN, aux);
            h.xzeroSet(p, xzero);
            p += 2;
            aux -= xzero;
        }
        return h;
    }

    /**
     * Redis's isHLLObjectOrReply check, the type check aside: long enough for the header, the magic,
     * a known encoding and, for dense, the exact size.
     */
    public static boolean isValid(byte[] value) {
        if (value.length < HDR_SIZE) {
            return false;
        }
        if (value[0] != 'H' || value[1] != 'Y' || value[2] != 'L' || value[3] != 'L') {
            return false;
        }
        int encoding = value[4] & 0xff;
        if (encoding > MAX_ENCODING) {
            return false;
        }
        return encoding != DENSE || value.length == DENSE_SIZE;
    }

    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    public int encoding() {
        return buf[4] & 0xff;
    }

    public int length() {
        return len;
    }

    // ---------------------------------------------------------------- header

    public void invalidateCache() {
        buf[15] |= (byte) 0x80;
    }

    public boolean validCache() {
        return (buf[15] & 0x80) == 0;
    }

    public long cachedCardinality() {
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = (card << 8) | (buf[8 + i] & 0xff);
        }
        return card;
    }

    public void setCachedCardinality(long card) {
        for (int i = 0; i < 8; i++) {
            buf[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    // ---------------------------------------------------------------- hashing

    /** Redis's MurmurHash64A, endian neutral (little endian words). */
    public static long murmurHash64A(byte[] key, int seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int length = key.length;
        long h = (seed & 0xffffffffL) ^ (length * m);
        int end = length - (length & 7);
        int i = 0;
        while (i != end) {
            long k = (key[i] & 0xffL)
                    | (key[i + 1] & 0xffL) << 8
                    | (key[i + 2] & 0xffL) << 16
                    | (key[i + 3] & 0xffL) << 24
                    | (key[i + 4] & 0xffL) << 32
                    | (key[i + 5] & 0xffL) << 40
                    | (key[i + 6] & 0xffL) << 48
                    | (key[i + 7] & 0xffL) << 56;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
            i += 8;
        }
        switch (length & 7) {
            case 7:
                h ^= (key[i + 6] & 0xffL) << 48;
                // fall through
            case 6:
                h ^= (key[i + 5] & 0xffL) << 40;
                // fall through
            case 5:
                h ^= (key[i + 4] & 0xffL) << 32;
                // fall through
            case 4:
                h ^= (key[i + 3] & 0xffL) << 24;
                // fall through
            case 3:
                h ^= (key[i + 2] & 0xffL) << 16;
                // fall through
            case 2:
                h ^= (key[i + 1] & 0xffL) << 8;
                // fall through
            case 1:
                h ^= key[i] & 0xffL;
                h *= m;
                break;
            default:
                break;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /**
     * Redis's hllPatLen: the register index in the low 32 bits of the result and the length of the
     * "000..1" pattern (1..Q+1) in the high bits.
     */
    static long patLen(byte[] element) {
        long hash = murmurHash64A(element, 0xadc83b19);
        long index = hash & P_MASK;
        hash >>>= P;
        hash |= 1L << Q;
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return ((long) count << 32) | index;
    }

    // ---------------------------------------------------------------- dense

    private int at(int i) {
        return i < len ? buf[i] & 0xff : 0;
    }

    /** HLL_DENSE_GET_REGISTER on the registers starting at {@code base} of {@code p}. */
    static int denseGet(byte[] p, int base, int limit, int regnum) {
        int bytePos = base + regnum * BITS / 8;
        int fb = regnum * BITS & 7;
        int fb8 = 8 - fb;
        int b0 = p[bytePos] & 0xff;
        int b1 = bytePos + 1 < limit ? p[bytePos + 1] & 0xff : 0;
        return ((b0 >>> fb) | (b1 << fb8)) & REGISTER_MAX;
    }

    private void denseSetRegister(int regnum, int val) {
        int bytePos = HDR_SIZE + regnum * BITS / 8;
        int fb = regnum * BITS & 7;
        int fb8 = 8 - fb;
        buf[bytePos] &= (byte) ~(REGISTER_MAX << fb);
        buf[bytePos] |= (byte) (val << fb);
        if (bytePos + 1 < DENSE_SIZE) {
            buf[bytePos + 1] &= (byte) ~(REGISTER_MAX >>> fb8);
            buf[bytePos + 1] |= (byte) (val >>> fb8);
        }
    }

    /** The value of a dense register. */
    public int denseRegister(int regnum) {
        return denseGet(buf, HDR_SIZE, len, regnum);
    }

    /** Redis's hllDenseSet: raises the register to count; 1 if it changed. */
    private int denseSet(int index, int count) {
        int old = denseRegister(index);
        if (count > old) {
            denseSetRegister(index, count);
            return 1;
        }
        return 0;
    }

    // ---------------------------------------------------------------- sparse opcodes

    private static boolean isZero(int b) {
        return (b & 0xc0) == 0;
    }

    private static boolean isXzero(int b) {
        return (b & 0xc0) == 0x40;
    }

    private static boolean isVal(int b) {
        return (b & 0x80) != 0;
    }

    private static int zeroLen(int b) {
        return (b & 0x3f) + 1;
    }

    private int xzeroLen(int p) {
        return (((at(p) & 0x3f) << 8) | at(p + 1)) + 1;
    }

    private static int valValue(int b) {
        return ((b >>> 2) & 0x1f) + 1;
    }

    private static int valLen(int b) {
        return (b & 0x3) + 1;
    }

    private static byte valByte(int val, int runLength) {
        return (byte) ((((val - 1) << 2) | (runLength - 1)) | 0x80);
    }

    private void xzeroSet(int p, int runLength) {
        int l = runLength - 1;
        buf[p] = (byte) ((l >>> 8) | 0x40);
        buf[p + 1] = (byte) (l & 0xff);
    }

    private void ensureCapacity(int needed) {
        if (buf.length < needed) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }

    /**
     * Redis's hllSparseToDense: false if the sparse representation is corrupted (then nothing
     * changes). The header, cached cardinality included, is kept.
     */
    public boolean sparseToDense() {
        if (encoding() == DENSE) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE + 8];
        System.arraycopy(buf, 0, dense, 0, HDR_SIZE);
        dense[4] = DENSE;
        HyperLogLog target = new HyperLogLog(dense, DENSE_SIZE);
        boolean ok = forEachSparseRun((idx, runlen, regval) -> {
            for (int i = idx; regval != 0 && i < idx + runlen; i++) {
                target.denseSetRegister(i, regval);
            }
        });
        if (!ok) {
            return false;
        }
        buf = dense;
        len = DENSE_SIZE;
        sds = Sds.MADE_TO_MEASURE; // a new sds of HLL_DENSE_SIZE
        return true;
    }

    /**
     * Redis's hllSparseSet: raises register {@code index} to {@code count} in the sparse
     * representation, promoting to dense when the value does not fit a VAL opcode or the
     * representation would grow beyond {@code sparseMaxBytes}. Returns 1 if the register changed, 0
     * if not, -1 if the representation is corrupted.
     */
    private int sparseSet(int index, int count, long sparseMaxBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promote(index, count);
        }
        // Room for the 3 bytes an XZERO split may add, made before any lookup (sdsMakeRoomFor).
        sds = Sds.makeRoomFor(sds, len, 3);
        ensureCapacity(len + 3 + 8);

        // Step 1: find the opcode covering the register.
        final int sparse = HDR_SIZE;
        int p = sparse;
        int end = len;
        long first = 0;
        int prev = -1;
        long span = 0;
        while (p < end) {
            int oplen = 1;
            int b = buf[p] & 0xff;
            if (isZero(b)) {
                span = zeroLen(b);
            } else if (isVal(b)) {
                span = valLen(b);
            } else {
                span = xzeroLen(p);
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int b = buf[p] & 0xff;
        int next = isXzero(b) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean isZero = false;
        boolean isXzero = false;
        boolean isVal = false;
        long runlen;
        if (isZero(b)) {
            isZero = true;
            runlen = zeroLen(b);
        } else if (isXzero(b)) {
            isXzero = true;
            runlen = xzeroLen(p);
        } else {
            isVal = true;
            runlen = valLen(b);
        }

        // Step 2: the easy cases in place, otherwise the new opcode sequence.
        boolean updated = false;
        if (isVal) {
            int oldcount = valValue(b);
            if (oldcount >= count) {
                return 0;
            }
            if (runlen == 1) {
                buf[p] = valByte(count, 1);
                updated = true;
            }
        }
        if (!updated && isZero && runlen == 1) {
            buf[p] = valByte(count, 1);
            updated = true;
        }
        if (!updated) {
            byte[] seq = new byte[5];
            int n = 0;
            long last = first + span - 1;
            if (isZero || isXzero) {
                if (index != first) {
                    int l = (int) (index - first);
                    if (l > SPARSE_ZERO_MAX_LEN) {
                        seq[n++] = (byte) (((l - 1) >>> 8) | 0x40);
                        seq[n++] = (byte) ((l - 1) & 0xff);
                    } else {
                        seq[n++] = (byte) (l - 1);
                    }
                }
                seq[n++] = valByte(count, 1);
                if (index != last) {
                    int l = (int) (last - index);
                    if (l > SPARSE_ZERO_MAX_LEN) {
                        seq[n++] = (byte) (((l - 1) >>> 8) | 0x40);
                        seq[n++] = (byte) ((l - 1) & 0xff);
                    } else {
                        seq[n++] = (byte) (l - 1);
                    }
                }
            } else {
                int curval = valValue(b);
                if (index != first) {
                    seq[n++] = valByte(curval, (int) (index - first));
                }
                seq[n++] = valByte(count, 1);
                if (index != last) {
                    seq[n++] = valByte(curval, (int) (last - index));
                }
            }

            // Step 3: replace the old opcode with the new sequence.
            int seqlen = n;
            int oldlen = isXzero ? 2 : 1;
            int deltalen = seqlen - oldlen;
            if (deltalen > 0 && len + (long) deltalen > sparseMaxBytes) {
                return promote(index, count);
            }
            ensureCapacity(Math.max(len + deltalen, p + seqlen) + 8);
            if (deltalen != 0 && next >= 0) {
                System.arraycopy(buf, next, buf, next + deltalen, end - next);
            }
            len += deltalen;
            System.arraycopy(seq, 0, buf, p, seqlen);
            end += deltalen;
        }

        // Step 4: merge adjacent VAL opcodes of the same value where possible.
        p = prev >= 0 ? prev : sparse;
        int scanlen = 5;
        while (p < end && scanlen-- > 0) {
            int op = buf[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
                continue;
            } else if (isZero(op)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(buf[p + 1] & 0xff)) {
                int v1 = valValue(op);
                int v2 = valValue(buf[p + 1] & 0xff);
                if (v1 == v2) {
                    int l = valLen(op) + valLen(buf[p + 1] & 0xff);
                    if (l <= SPARSE_VAL_MAX_LEN) {
                        buf[p + 1] = valByte(v1, l);
                        System.arraycopy(buf, p + 1, buf, p, end - p - 1);
                        len--;
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache();
        return 1;
    }

    private int promote(int index, int count) {
        if (!sparseToDense()) {
            return -1;
        }
        int r = denseSet(index, count);
        if (r != 1) {
            throw new IllegalStateException("dense set after promotion did not update the register");
        }
        return r;
    }

    /** Redis's hllAdd: 1 if a register changed, 0 if not, -1 if the representation is corrupted. */
    public int add(byte[] element, long sparseMaxBytes) {
        long pl = patLen(element);
        int index = (int) pl;
        int count = (int) (pl >>> 32);
        return switch (encoding()) {
            case DENSE -> denseSet(index, count);
            case SPARSE -> sparseSet(index, count, sparseMaxBytes);
            default -> -1;
        };
    }

    /** Sets a register to at least {@code count} in either encoding (PFMERGE's write step). */
    public void raise(int index, int count, long sparseMaxBytes) {
        if (encoding() == DENSE) {
            denseSet(index, count);
        } else {
            sparseSet(index, count, sparseMaxBytes);
        }
    }

    // ---------------------------------------------------------------- merge and count

    /**
     * Redis's hllMerge: max[i] = MAX(max[i], register i). False if a sparse representation is
     * corrupted.
     */
    public boolean mergeInto(byte[] max) {
        if (encoding() == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                int val = denseRegister(i);
                if (val > max[i]) {
                    max[i] = (byte) val;
                }
            }
            return true;
        }
        return forEachSparseRun((idx, runlen, regval) -> {
            if (regval == 0) {
                return; // zero runs never raise a maximum
            }
            for (int i = idx; i < idx + runlen; i++) {
                if (regval > max[i]) {
                    max[i] = (byte) regval;
                }
            }
        });
    }

    /**
     * Redis's hllCount on this value: the estimated cardinality, or -1 if the sparse representation
     * is corrupted.
     */
    public long count() {
        int[] reghisto = new int[64];
        if (encoding() == DENSE) {
            for (int j = 0; j < REGISTERS; j++) {
                reghisto[denseRegister(j)]++;
            }
        } else if (!sparseHisto(reghisto)) {
            return -1;
        }
        return estimate(reghisto);
    }

    private boolean sparseHisto(int[] reghisto) {
        return forEachSparseRun((idx, runlen, regval) -> reghisto[regval] += runlen);
    }

    /** One run of a sparse representation: registers idx..idx+runlen-1 all hold regval (0 for ZERO/XZERO). */
    @FunctionalInterface
    private interface SparseRunVisitor {
        void run(int idx, int runlen, int regval);
    }

    /**
     * Walks the sparse opcodes in order, as Redis's sparse loops (hllSparseToDense, hllMerge,
     * hllSparseRegHisto) do: false if a run would pass the last register or the runs do not cover
     * exactly {@link #REGISTERS} registers (a corrupted representation).
     */
    private boolean forEachSparseRun(SparseRunVisitor visitor) {
        int idx = 0;
        int p = HDR_SIZE;
        while (p < len) {
            int b = buf[p] & 0xff;
            int runlen;
            int regval;
            if (isZero(b)) {
                runlen = zeroLen(b);
                regval = 0;
                p++;
            } else if (isXzero(b)) {
                runlen = xzeroLen(p);
                regval = 0;
                p += 2;
            } else {
                runlen = valLen(b);
                regval = valValue(b);
                p++;
            }
            if (runlen + idx > REGISTERS) {
                return false;
            }
            visitor.run(idx, runlen, regval);
            idx += runlen;
        }
        return idx == REGISTERS;
    }

    /** hllCount over raw registers, one byte each (multi-key PFCOUNT's HLL_RAW). */
    public static long countRaw(byte[] registers) {
        int[] reghisto = new int[64];
        for (int j = 0; j < REGISTERS; j++) {
            reghisto[registers[j] & 0x3f]++;
        }
        return estimate(reghisto);
    }

    /** Ertl's improved estimator from the register histogram, as Redis 7.0's hllCount. */
    static long estimate(int[] reghisto) {
        double m = REGISTERS;
        double z = m * tau((m - reghisto[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += reghisto[j];
            z *= 0.5;
        }
        z += m * sigma(reghisto[0] / m);
        double e = ALPHA_INF * m * m / z;
        return llround(e);
    }

    /** C's llroundl for the non-negative estimates: halfway cases away from zero. */
    private static long llround(double x) {
        double f = Math.floor(x);
        double diff = x - f;
        return (long) (diff >= 0.5 ? f + 1 : f);
    }

    static double sigma(double x) {
        if (x == 1.0) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0.0 || x == 1.0) {
            return 0.0;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (zPrime != z);
        return z / 3;
    }

    // ---------------------------------------------------------------- PFDEBUG / PFSELFTEST support

    /** An all-zero dense HLL (PFSELFTEST's bit counters). */
    public static HyperLogLog denseForTest() {
        HyperLogLog h = new HyperLogLog(new byte[DENSE_SIZE + 8], DENSE_SIZE);
        h.buf[0] = 'H';
        h.buf[1] = 'Y';
        h.buf[2] = 'L';
        h.buf[3] = 'L';
        h.buf[4] = DENSE;
        return h;
    }

    /** Writes a dense register unconditionally (HLL_DENSE_SET_REGISTER). */
    public void setRegisterForTest(int regnum, int val) {
        denseSetRegister(regnum, val);
    }


    /** PFDEBUG DECODE's text of the sparse opcodes ("Z:16384", "z:3", "v:2,1"). */
    public String decodeSparse() {
        StringBuilder s = new StringBuilder();
        int p = HDR_SIZE;
        while (p < len) {
            int b = buf[p] & 0xff;
            if (isZero(b)) {
                s.append("z:").append(zeroLen(b)).append(' ');
                p++;
            } else if (isXzero(b)) {
                s.append("Z:").append(xzeroLen(p)).append(' ');
                p += 2;
            } else {
                s.append("v:").append(valValue(b)).append(',').append(valLen(b)).append(' ');
                p++;
            }
        }
        int e = s.length();
        while (e > 0 && s.charAt(e - 1) == ' ') {
            e--;
        }
        return s.substring(0, e);
    }
}
