package io.mnemos.util;

/**
 * LZF compression exactly as Redis's bundled liblzf 3.6 does it (HLOG 16, VERY_FAST, the unrolled
 * match loop that may run past maxlen, an unset hash table slot never matching), so that compressed
 * sizes — and RDB bytes — match Redis's (checked against redis-server 7.0.15's DEBUG OBJECT), and
 * its lzf_decompress. A compressor instance keeps its hash table between calls (a generation stamp
 * marks the slots set by the current call), so compressing many short strings does not allocate and
 * clear 256 KB each time; one instance per thread.
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    private final int[] htab = new int[HSIZE];
    private final int[] stamp = new int[HSIZE];
    private int generation;

    private int get(int slot) {
        return stamp[slot] == generation ? htab[slot] : 0;
    }

    private void set(int slot, int value) {
        htab[slot] = value;
        stamp[slot] = generation;
    }

    /**
     * Compresses {@code in} into at most {@code outLen} bytes; null when the result would not fit
     * (Redis then stores the string uncompressed), as lzf_compress returning 0.
     */
    public byte[] compressWith(byte[] in, int outLen) {
        int inLen = in.length;
        if (inLen == 0 || outLen <= 0) {
            return null;
        }
        byte[] out = new byte[outLen];
        if (++generation == 0) {
            java.util.Arrays.fill(stamp, 0);
            generation = 1;
        }
        int ip = 0;
        int op = 0;
        int inEnd = inLen;
        int outEnd = outLen;
        int lit = 0;
        op++; // start run
        int hval = frst(in, ip);
        while (ip < inEnd - 2) {
            hval = next(hval, in, ip);
            int slot = idx(hval);
            int ref = get(slot);
            set(slot, ip);
            int off = ip - ref - 1;
            if (ref < ip && off < MAX_OFF && ref > 0
                    && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
                int len = 2;
                int maxlen = Math.min(inEnd - ip - len, MAX_REF);
                if (op + 3 + 1 >= outEnd && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) {
                    return null;
                }
                out[op - lit - 1] = (byte) (lit - 1); // stop run
                op -= lit == 0 ? 1 : 0; // undo run if length is zero
                // lzf_c.c's loop, unrolled sixteen times when maxlen > 16: it may run past maxlen.
                boolean mismatch = false;
                if (maxlen > 16) {
                    for (int k = 0; k < 16; k++) {
                        len++;
                        if (in[ref + len] != in[ip + len]) {
                            mismatch = true;
                            break;
                        }
                    }
                }
                if (!mismatch) {
                    do {
                        len++;
                    } while (len < maxlen && in[ref + len] == in[ip + len]);
                }
                len -= 2; // len is now #octets - 1
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((off >> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((off >> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) off;
                lit = 0;
                op++; // start run
                ip += len + 1;
                if (ip >= inEnd - 2) {
                    break;
                }
                ip -= 2;
                hval = frst(in, ip);
                hval = next(hval, in, ip);
                set(idx(hval), ip);
                ip++;
                hval = next(hval, in, ip);
                set(idx(hval), ip);
                ip++;
            } else {
                if (op >= outEnd) {
                    return null;
                }
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1); // stop run
                    lit = 0;
                    op++; // start run
                }
            }
        }
        if (op + 3 > outEnd) {
            return null;
        }
        while (ip < inEnd) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1); // end run
        op -= lit == 0 ? 1 : 0;
        return java.util.Arrays.copyOf(out, op);
    }

    /** One compressor (and its 512 KB of tables) per thread for the occasional one-off compression. */
    private static final ThreadLocal<Lzf> PER_THREAD = ThreadLocal.withInitial(Lzf::new);

    /** {@link #compressWith} on this thread's shared compressor. */
    public static byte[] compress(byte[] in, int outLen) {
        return PER_THREAD.get().compressWith(in, outLen);
    }

    /**
     * lzf_decompress: decompresses {@code len} bytes of {@code in} from {@code start} into exactly
     * {@code outLen} bytes.
     *
     * @throws IllegalArgumentException when the data is not valid LZF of that length
     */
    public static byte[] decompress(byte[] in, int start, int len, int outLen) {
        byte[] out = new byte[outLen];
        int ip = start;
        int op = 0;
        int inEnd = start + len;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) {
                ctrl++;
                if (op + ctrl > outLen || ip + ctrl > inEnd) {
                    throw invalid();
                }
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else {
                int length = ctrl >> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inEnd) {
                    throw invalid();
                }
                if (length == 7) {
                    length += in[ip++] & 0xff;
                    if (ip >= inEnd) {
                        throw invalid();
                    }
                }
                ref -= in[ip++] & 0xff;
                length += 2;
                if (op + length > outLen || ref < 0) {
                    throw invalid();
                }
                for (int k = 0; k < length; k++) {
                    out[op++] = out[ref++];
                }
            }
        }
        if (op != outLen) {
            throw invalid();
        }
        return out;
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("Invalid LZF compressed string");
    }

    private static int frst(byte[] in, int p) {
        int b1 = p + 1 < in.length ? in[p + 1] & 0xff : 0;
        return ((in[p] & 0xff) << 8) | b1;
    }

    private static int next(int v, byte[] in, int p) {
        return (v << 8) | (in[p + 2] & 0xff);
    }

    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }
}
