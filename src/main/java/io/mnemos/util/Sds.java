package io.mnemos.util;

/**
 * The allocation behind one of Redis's sds strings, for the figures Redis derives from it (MEMORY
 * USAGE, client buffers): the header type sdsReqType picks, the jemalloc size class the string is
 * served from, and how sdsMakeRoomFor grows a string that is appended to or extended in place.
 *
 * <p>A grown string's allocation depends on its history, so a string value carries it as a 7-bit
 * code: 0 for an sds made to measure for its length (sdsnewlen), else the size class and header
 * type sdsMakeRoomFor left it with.
 */
public final class Sds {
    private Sds() {
    }

    /** SDS_MAX_PREALLOC: below it sdsMakeRoomFor doubles the length it needs, above it adds this much. */
    private static final long MAX_PREALLOC = 1024 * 1024;

    private static final int TYPE_5 = 1;
    private static final int TYPE_8 = 3;
    private static final int TYPE_16 = 5;
    private static final int TYPE_32 = 9;

    /** The code of a string made to measure for its length (sdsnewlen). */
    public static final int MADE_TO_MEASURE = 0;
    /** Size classes up to 2^30 bytes: 9 up to 128, then 4 per doubling. */
    private static final int CLASSES = 9 + 23 * 4;
    /** The two size classes two header types share; the larger type is the default code there. */
    private static final int TYPE_8_AT_320 = CLASSES + 1;
    private static final int TYPE_16_AT_80K = CLASSES + 2;
    /**
     * A string made to measure whose free space sdsRemoveFreeSpace then dropped (tryObjectEncoding's
     * trimStringObjectIfNeeded): the same allocation, but the next append reallocates.
     */
    public static final int TRIMMED = CLASSES + 3;
    /** OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are raw. */
    public static final int EMBSTR_LIMIT = 44;

    /** An sds string's allocation: header by length class, data and the terminating NUL. */
    public static long alloc(long length, boolean noType5) {
        return Jemalloc.sizeClass(header(length, noType5) + length + 1);
    }

    /** sdsReqType's header size for a string of {@code length} bytes (sdshdr5, 8, 16 or 32). */
    public static int header(long length, boolean noType5) {
        if (length < 32 && !noType5) {
            return TYPE_5;
        } else if (length < 256) {
            return TYPE_8;
        } else if (length < 65536) {
            return TYPE_16;
        }
        return TYPE_32;
    }

    /** zmalloc_size of the string {@code code} describes, {@code length} bytes long. */
    public static long allocation(int code, long length) {
        if (code == MADE_TO_MEASURE || code == TRIMMED) {
            return alloc(length, length == 0); // sdsnewlen uses type 8 for an empty string
        }
        return usable(code);
    }

    /**
     * The code of a raw string tryObjectEncoding kept: made to measure, then trimmed when its free
     * space exceeded a tenth of its length (trimStringObjectIfNeeded).
     */
    public static int afterTryObjectEncoding(long length) {
        return free(MADE_TO_MEASURE, length) > length / 10 ? TRIMMED : MADE_TO_MEASURE;
    }

    /** sdsavail of the string {@code code} describes, {@code length} bytes long. */
    private static long free(int code, long length) {
        if (code == TRIMMED) {
            return 0;
        }
        int header = code == MADE_TO_MEASURE ? header(length, length == 0) : headerOf(code);
        // A type 5 header keeps no free space: every append reallocates.
        return header == TYPE_5 ? 0 : Math.min(allocation(code, length) - header - 1, maxAlloc(header)) - length;
    }

    /**
     * sdsMakeRoomFor(s, {@code add}) on a string of {@code length} bytes described by {@code code}:
     * the same code while the free space holds {@code add} bytes, else the code of the greedy
     * reallocation (twice the length needed, or 1 MB more above 1 MB).
     */
    public static int makeRoomFor(int code, long length, long add) {
        if (add == 0) {
            return code;
        }
        if (free(code, length) >= add) {
            // In place: the same allocation, which "made to measure" would no longer describe.
            int header = code == MADE_TO_MEASURE ? header(length, length == 0) : headerOf(code);
            return code(header, allocation(code, length));
        }
        long needed = length + add;
        long greedy = greedy(needed);
        int type = header(greedy, true);
        return code(type, Jemalloc.sizeClass(type + greedy + 1));
    }

    /** The length sdsMakeRoomFor makes room for when a string needs {@code needed} bytes. */
    public static long greedy(long needed) {
        return needed < MAX_PREALLOC ? needed * 2 : needed + MAX_PREALLOC;
    }

    /** sdsgrowzero(s, {@code target}): the room for {@code target} bytes, if the string is shorter. */
    public static int growZero(int code, long length, long target) {
        return target <= length ? code : makeRoomFor(code, length, target - length);
    }

    private static long maxAlloc(int header) {
        return switch (header) {
            case TYPE_8 -> 255;
            case TYPE_16 -> 65535;
            default -> 0xFFFFFFFFL;
        };
    }

    private static int code(int header, long usable) {
        if (header == TYPE_8 && usable == 320) {
            return TYPE_8_AT_320;
        }
        if (header == TYPE_16 && usable == 81920) {
            return TYPE_16_AT_80K;
        }
        return Math.min(Jemalloc.classIndex(usable) + 1, CLASSES); // beyond 1 GB (a raised proto-max-bulk-len): capped
    }

    private static long usable(int code) {
        return switch (code) {
            case TYPE_8_AT_320 -> 320;
            case TYPE_16_AT_80K -> 81920;
            default -> Jemalloc.classSize(code - 1);
        };
    }

    /** The header of a grown string: the one its size class implies, or the code's explicit one. */
    private static int headerOf(int code) {
        if (code == TYPE_8_AT_320) {
            return TYPE_8;
        }
        if (code == TYPE_16_AT_80K) {
            return TYPE_16;
        }
        long usable = usable(code);
        return usable < 320 ? TYPE_8 : usable < 81920 ? TYPE_16 : TYPE_32;
    }
}
