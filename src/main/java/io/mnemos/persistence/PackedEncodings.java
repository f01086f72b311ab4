package io.mnemos.persistence;

import io.mnemos.util.Numbers;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoders of the blobs Redis stores inside RDB strings: listpack (7.0), ziplist (3.2 to 6.2),
 * intset and zipmap (before 2.6). Each returns the elements as strings, integers in decimal, as
 * Redis's own iterators hand them out. Any inconsistency is a {@link RdbFormatException}.
 */
final class PackedEncodings {
    private PackedEncodings() {
    }

    private static RdbFormatException corrupt(String what) {
        return new RdbFormatException("Corrupt " + what + " encoding in RDB");
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    private static long le(byte[] b, int i, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            v |= (long) u8(b, i + k) << (8 * k);
        }
        return v;
    }

    private static void need(byte[] b, int i, int n, String what) {
        if (i < 0 || n < 0 || i + n > b.length) {
            throw corrupt(what);
        }
    }

    // ------------------------------------------------------------------ listpack

    static List<byte[]> listpack(byte[] lp) {
        if (lp.length < 7) {
            throw corrupt("listpack");
        }
        long total = le(lp, 0, 4);
        if (total != lp.length) {
            throw corrupt("listpack");
        }
        int count = (int) le(lp, 4, 2);
        List<byte[]> out = new ArrayList<>(count == 65535 ? 16 : count);
        int p = 6;
        while (true) {
            need(lp, p, 1, "listpack");
            int b = u8(lp, p);
            if (b == 0xFF) {
                break;
            }
            int start = p;
            byte[] value;
            if ((b & 0x80) == 0) {
                value = Numbers.toBytes(b & 0x7f);
                p += 1;
            } else if ((b & 0xC0) == 0x80) {
                int len = b & 0x3f;
                need(lp, p + 1, len, "listpack");
                value = java.util.Arrays.copyOfRange(lp, p + 1, p + 1 + len);
                p += 1 + len;
            } else if ((b & 0xE0) == 0xC0) {
                need(lp, p, 2, "listpack");
                int v = ((b & 0x1f) << 8) | u8(lp, p + 1);
                if (v >= 1 << 12) {
                    v -= 1 << 13;
                }
                value = Numbers.toBytes(v);
                p += 2;
            } else if ((b & 0xF0) == 0xE0) {
                need(lp, p, 2, "listpack");
                int len = ((b & 0x0f) << 8) | u8(lp, p + 1);
                need(lp, p + 2, len, "listpack");
                value = java.util.Arrays.copyOfRange(lp, p + 2, p + 2 + len);
                p += 2 + len;
            } else if (b == 0xF0) {
                need(lp, p, 5, "listpack");
                long len = le(lp, p + 1, 4);
                if (len > lp.length) {
                    throw corrupt("listpack");
                }
                need(lp, p + 5, (int) len, "listpack");
                value = java.util.Arrays.copyOfRange(lp, p + 5, p + 5 + (int) len);
                p += 5 + (int) len;
            } else if (b >= 0xF1 && b <= 0xF4) {
                int n = switch (b) {
                    case 0xF1 -> 2;
                    case 0xF2 -> 3;
                    case 0xF3 -> 4;
                    default -> 8;
                };
                need(lp, p, 1 + n, "listpack");
                long v = le(lp, p + 1, n);
                if (n < 8) {
                    int shift = 64 - 8 * n;
                    v = (v << shift) >> shift;
                }
                value = Numbers.toBytes(v);
                p += 1 + n;
            } else {
                throw corrupt("listpack");
            }
            long entryLen = p - start;
            int backlen = entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : entryLen < 2097151 ? 3
                    : entryLen < 268435455 ? 4 : 5;
            p += backlen;
            out.add(value);
        }
        if (p != lp.length - 1 || (count != 65535 && count != out.size())) {
            throw corrupt("listpack");
        }
        return out;
    }

    // ------------------------------------------------------------------ ziplist

    static List<byte[]> ziplist(byte[] zl) {
        if (zl.length < 11) {
            throw corrupt("ziplist");
        }
        if (le(zl, 0, 4) != zl.length) {
            throw corrupt("ziplist");
        }
        int count = (int) le(zl, 8, 2);
        List<byte[]> out = new ArrayList<>(count == 65535 ? 16 : count);
        int p = 10;
        while (true) {
            need(zl, p, 1, "ziplist");
            if (u8(zl, p) == 0xFF) {
                break;
            }
            // prevlen
            p += u8(zl, p) < 254 ? 1 : 5;
            need(zl, p, 1, "ziplist");
            int b = u8(zl, p);
            switch (b >> 6) {
                case 0 -> {
                    int len = b & 0x3f;
                    need(zl, p + 1, len, "ziplist");
                    out.add(java.util.Arrays.copyOfRange(zl, p + 1, p + 1 + len));
                    p += 1 + len;
                }
                case 1 -> {
                    need(zl, p, 2, "ziplist");
                    int len = ((b & 0x3f) << 8) | u8(zl, p + 1);
                    need(zl, p + 2, len, "ziplist");
                    out.add(java.util.Arrays.copyOfRange(zl, p + 2, p + 2 + len));
                    p += 2 + len;
                }
                case 2 -> {
                    need(zl, p, 5, "ziplist");
                    long len = ((long) u8(zl, p + 1) << 24) | (u8(zl, p + 2) << 16) | (u8(zl, p + 3) << 8)
                            | u8(zl, p + 4);
                    if (len > zl.length) {
                        throw corrupt("ziplist");
                    }
                    need(zl, p + 5, (int) len, "ziplist");
                    out.add(java.util.Arrays.copyOfRange(zl, p + 5, p + 5 + (int) len));
                    p += 5 + (int) len;
                }
                default -> {
                    int n;
                    long v;
                    if (b == 0xC0) {
                        n = 2;
                    } else if (b == 0xD0) {
                        n = 4;
                    } else if (b == 0xE0) {
                        n = 8;
                    } else if (b == 0xF0) {
                        n = 3;
                    } else if (b == 0xFE) {
                        n = 1;
                    } else if (b >= 0xF1 && b <= 0xFD) {
                        n = 0;
                    } else {
                        throw corrupt("ziplist");
                    }
                    need(zl, p, 1 + n, "ziplist");
                    if (n == 0) {
                        v = (b & 0x0f) - 1;
                    } else {
                        v = le(zl, p + 1, n);
                        int shift = 64 - 8 * n;
                        v = (v << shift) >> shift;
                    }
                    out.add(Numbers.toBytes(v));
                    p += 1 + n;
                }
            }
        }
        if (p != zl.length - 1 || (count != 65535 && count != out.size())) {
            throw corrupt("ziplist");
        }
        return out;
    }

    // ------------------------------------------------------------------ intset

    static long[] intset(byte[] is) {
        if (is.length < 8) {
            throw corrupt("intset");
        }
        int enc = (int) le(is, 0, 4);
        long len = le(is, 4, 4);
        if ((enc != 2 && enc != 4 && enc != 8) || 8 + len * enc != is.length) {
            throw corrupt("intset");
        }
        long[] out = new long[(int) len];
        int shift = 64 - 8 * enc;
        for (int i = 0; i < len; i++) {
            long v = le(is, 8 + i * enc, enc);
            out[i] = (v << shift) >> shift;
            if (i > 0 && out[i] <= out[i - 1]) {
                throw corrupt("intset");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ zipmap

    /** A zipmap (hashes before Redis 2.6): key, value, key, value... */
    static List<byte[]> zipmap(byte[] zm) {
        List<byte[]> out = new ArrayList<>();
        int p = 1;
        boolean key = true;
        while (true) {
            need(zm, p, 1, "zipmap");
            int b = u8(zm, p);
            if (b == 0xFF) {
                break;
            }
            long len;
            if (b < 254) {
                len = b;
                p += 1;
            } else if (b == 254) {
                need(zm, p, 5, "zipmap");
                len = le(zm, p + 1, 4);
                p += 5;
            } else {
                throw corrupt("zipmap");
            }
            int free = 0;
            if (!key) {
                need(zm, p, 1, "zipmap");
                free = u8(zm, p);
                p += 1;
            }
            if (len > zm.length) {
                throw corrupt("zipmap");
            }
            need(zm, p, (int) len + free, "zipmap");
            out.add(java.util.Arrays.copyOfRange(zm, p, p + (int) len));
            p += (int) len + free;
            key = !key;
        }
        if (!key || p != zm.length - 1) {
            throw corrupt("zipmap");
        }
        return out;
    }
}
