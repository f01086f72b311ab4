package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Redis sorted set. "listpack": while it has at most zset-max-listpack-entries members of at most
 * zset-max-listpack-value bytes, members and scores are packed end to end in one byte array
 * ({@link Listpack} entries: member, score, member, score...) sorted by (score, member), as Redis's
 * listpack. "skiplist": a {@link SkipList} for order and ranks plus a byte[]-keyed
 * {@link BytesMap} from member to skiplist node for O(1) score lookups.
 *
 * <p>Elements are addressed by 0-based rank in ascending order; range queries by score or lex are
 * turned into rank intervals with {@link #countPrefix}.
 */
public final class ZSetValue implements TypedValue {
    /** Receives elements of a range. */
    @FunctionalInterface
    public interface Visitor {
        void accept(byte[] member, double score);
    }

    // listpack encoding: the first lpUsed bytes of lp hold lpSize member/score entry pairs
    private byte[] lp;
    private int lpUsed;
    private int lpSize;
    // skiplist encoding
    private SkipList zsl;
    private BytesMap<SkipList.Node> dict;

    private ZSetValue() {
    }

    public static ZSetValue listpack() {
        ZSetValue z = new ZSetValue();
        z.lp = Listpack.EMPTY;
        return z;
    }

    public static ZSetValue skiplist() {
        ZSetValue z = new ZSetValue();
        z.zsl = new SkipList();
        z.dict = new BytesMap<>();
        return z;
    }

    /** zsetTypeCreate: listpack if the expected size and longest member fit the limits. */
    public static ZSetValue create(long sizeHint, long maxMemberLength, int maxEntries, int maxValue) {
        if (sizeHint <= maxEntries && maxMemberLength <= maxValue) {
            return listpack();
        }
        return skiplist();
    }

    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public String encoding() {
        return zsl == null ? "listpack" : "skiplist";
    }

    public boolean isListpack() {
        return zsl == null;
    }

    @Override
    public ZSetValue copy() {
        ZSetValue c;
        if (zsl == null) {
            c = new ZSetValue();
            c.lp = Arrays.copyOf(lp, lpUsed);
            c.lpUsed = lpUsed;
            c.lpSize = lpSize;
        } else {
            c = skiplist();
            for (SkipList.Node n = zsl.first(); n != null; n = n.next()) {
                c.dict.insert(c.zsl.insert(n.score, n.key()));
            }
        }
        return c;
    }

    public int size() {
        return zsl == null ? lpSize : zsl.length();
    }

    /**
     * Heap estimate for used_memory, O(1): this object (header 12, lp, zsl, dict 3x4, lpUsed,
     * lpSize 2x4 = 32) and the listpack's byte array at its capacity; a skiplist adds its member
     * index (bucket array, one node per member, which is also the index entry, and the members'
     * bytes, kept incrementally).
     */
    @Override
    public long memoryUsage() {
        if (zsl == null) {
            return 32 + (lp.length == 0 ? 0 : MemoryModel.byteArray(lp.length));
        }
        return 48 + SkipList.SCRATCH_BYTES + dict.memoryUsage(SkipList.NODE_BYTES);
    }

    /** The member's score, or null. */
    public Double score(byte[] member) {
        if (zsl == null) {
            int p = lpFind(Listpack.encode(member));
            return p < 0 ? null : Listpack.readScore(lp, p + Listpack.entrySize(lp, p));
        }
        SkipList.Node n = dict.get(member);
        return n == null ? null : n.score;
    }

    /** {@link #add} input flags (Redis's ZADD_IN_*). */
    public static final int IN_INCR = 1;
    public static final int IN_NX = 2;
    public static final int IN_XX = 4;
    public static final int IN_GT = 8;
    public static final int IN_LT = 16;
    /** {@link #add} outcomes (Redis's ZADD_OUT_*); 0 means processed with the score unchanged. */
    public static final int OUT_NOP = 1;
    public static final int OUT_NAN = 2;
    public static final int OUT_ADDED = 4;
    public static final int OUT_UPDATED = 8;

    /**
     * Sets a member's score, adding the member if absent, and converts to a skiplist when the
     * listpack would exceed its limits (zsetAdd without options).
     */
    public void put(byte[] member, double score, int maxEntries, int maxValue) {
        add(member, score, 0, null, maxEntries, maxValue);
    }

    /**
     * Redis's zsetAdd: adds or updates a member under the ZADD options, looking the member up once.
     * Returns one of the OUT_ outcomes (0 when the member was processed but its score is unchanged);
     * unless the outcome is OUT_NOP or OUT_NAN the resulting score is stored in {@code newScore[0]}
     * (if not null).
     */
    public int add(byte[] member, double score, int flags, double[] newScore, int maxEntries, int maxValue) {
        byte[] encoded = null;
        int p = -1;
        SkipList.Node node = null;
        boolean exists;
        double cur = 0;
        if (zsl == null) {
            encoded = Listpack.encode(member);
            p = lpFind(encoded);
            exists = p >= 0;
            if (exists) {
                cur = Listpack.readScore(lp, p + encoded.length);
            }
        } else {
            node = dict.get(member);
            exists = node != null;
            if (exists) {
                cur = node.score;
            }
        }
        if (exists) {
            if ((flags & IN_NX) != 0) {
                return OUT_NOP;
            }
            if ((flags & IN_INCR) != 0) {
                score += cur;
                if (Double.isNaN(score)) {
                    return OUT_NAN;
                }
            }
            if (((flags & IN_LT) != 0 && score >= cur) || ((flags & IN_GT) != 0 && score <= cur)) {
                return OUT_NOP;
            }
            if (newScore != null) {
                newScore[0] = score;
            }
            if (score == cur) {
                return 0;
            }
            if (node != null) {
                zsl.updateScore(node, score);
            } else {
                lpDelete(p);
                lpInsert(encoded, member, score);
            }
            return OUT_UPDATED;
        }
        if ((flags & IN_XX) != 0) {
            return OUT_NOP;
        }
        if (newScore != null) {
            newScore[0] = score;
        }
        if (zsl == null) {
            if (lpSize + 1 <= maxEntries && member.length <= maxValue) {
                lpInsert(encoded, member, score);
                return OUT_ADDED;
            }
            convertToSkiplist();
        }
        dict.insert(zsl.insert(score, member));
        return OUT_ADDED;
    }

    public boolean remove(byte[] member) {
        if (zsl == null) {
            int p = lpFind(Listpack.encode(member));
            if (p < 0) {
                return false;
            }
            lpDelete(p);
            return true;
        }
        SkipList.Node n = dict.remove(member);
        if (n == null) {
            return false;
        }
        zsl.delete(n);
        return true;
    }

    /** 0-based ascending rank of the member, or -1. */
    public long rank(byte[] member) {
        if (zsl == null) {
            byte[] enc = Listpack.encode(member);
            int p = 0;
            for (int i = 0; i < lpSize; i++) {
                int ms = Listpack.entrySize(lp, p);
                if (ms == enc.length && Arrays.equals(lp, p, p + ms, enc, 0, ms)) {
                    return i;
                }
                p += ms;
                p += Listpack.entrySize(lp, p);
            }
            return -1;
        }
        SkipList.Node n = dict.get(member);
        if (n == null) {
            return -1;
        }
        return zsl.rank(n) - 1;
    }

    /** How many leading elements (in ascending order) satisfy a monotone condition. */
    public long countPrefix(SkipList.Prefix prefix) {
        if (zsl == null) {
            int p = 0;
            for (int i = 0; i < lpSize; i++) {
                int ms = Listpack.entrySize(lp, p);
                if (!prefix.test(Listpack.readScore(lp, p + ms), Listpack.decode(lp, p))) {
                    return i;
                }
                p += ms;
                p += Listpack.entrySize(lp, p);
            }
            return lpSize;
        }
        return zsl.countPrefix(prefix);
    }

    /**
     * Visits the elements of ascending ranks {@code start..end} (inclusive, 0-based, already
     * clamped), in ascending order, or in descending order starting from {@code end} if {@code rev}.
     */
    public void range(long start, long end, boolean rev, Visitor visitor) {
        if (start > end || start >= size()) {
            return;
        }
        if (zsl == null) {
            int last = (int) Math.min(end, lpSize - 1);
            int[] offsets = lpOffsets(last + 1);
            byte[] a = lp; // a visitor must not modify the set, but keep reading the array we indexed
            if (rev) {
                for (int i = last; i >= start; i--) {
                    int p = offsets[i];
                    visitor.accept(Listpack.decode(a, p), Listpack.readScore(a, p + Listpack.entrySize(a, p)));
                }
            } else {
                for (int i = (int) start; i <= last; i++) {
                    int p = offsets[i];
                    visitor.accept(Listpack.decode(a, p), Listpack.readScore(a, p + Listpack.entrySize(a, p)));
                }
            }
            return;
        }
        long count = end - start + 1;
        SkipList.Node n = zsl.byRank((rev ? end : start) + 1);
        for (long i = 0; i < count && n != null; i++) {
            SkipList.Node next = rev ? n.previous() : n.next();
            visitor.accept(n.key(), n.score);
            n = next;
        }
    }

    /** Removes the elements of ascending ranks {@code start..end}; returns how many. */
    public long removeRange(long start, long end) {
        if (start > end || start >= size()) {
            return 0;
        }
        if (zsl == null) {
            int s = (int) start;
            int e = (int) Math.min(end, lpSize - 1);
            int[] offsets = lpOffsets(e + 2);
            int from = offsets[s];
            int to = e + 1 < lpSize ? offsets[e + 1] : lpUsed;
            lp = Listpack.splice(lp, lpUsed, from, to - from, Listpack.EMPTY, 0, 0);
            lpUsed -= to - from;
            int removed = e - s + 1;
            lpSize -= removed;
            if (lpSize == 0) {
                lp = Listpack.EMPTY;
            }
            return removed;
        }
        long count = end - start + 1;
        SkipList.Node n = zsl.byRank(start + 1);
        long removed = 0;
        while (removed < count && n != null) {
            SkipList.Node next = n.next();
            dict.remove(n.key());
            zsl.delete(n);
            removed++;
            n = next;
        }
        return removed;
    }

    /** A random element's rank (uniform). */
    public int randomRank() {
        return ThreadLocalRandom.current().nextInt(size());
    }

    public byte[] memberAt(long rank) {
        if (zsl == null) {
            return Listpack.decode(lp, lpOffset((int) rank));
        }
        return zsl.byRank(rank + 1).key();
    }

    public double scoreAt(long rank) {
        if (zsl == null) {
            int p = lpOffset((int) rank);
            return Listpack.readScore(lp, p + Listpack.entrySize(lp, p));
        }
        return zsl.byRank(rank + 1).score;
    }

    /** Every element in ascending order. */
    public void forEach(Visitor visitor) {
        range(0, size() - 1, false, visitor);
    }

    /** One ZSCAN step: listpacks whole with cursor 0, skiplists by the member index's cursor. */
    public long scan(long cursor, Visitor visitor) {
        if (zsl == null) {
            forEach(visitor);
            return 0;
        }
        return dict.scan(cursor, n -> visitor.accept(n.key(), n.score));
    }

    /** zsetConvertToListpackIfNeeded: back to a listpack when a stored result is small enough. */
    public void convertToListpackIfNeeded(long maxMemberLength, int maxEntries, int maxValue) {
        if (zsl == null || zsl.length() > maxEntries || maxMemberLength > maxValue) {
            return;
        }
        int n = zsl.length();
        int bytes = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            bytes += Listpack.encodedSize(x.key()) + Listpack.scoreSize(x.score);
        }
        byte[] packed = new byte[bytes];
        int p = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            p = Listpack.write(packed, p, x.key());
            p = Listpack.writeScore(packed, p, x.score);
        }
        lp = n == 0 ? Listpack.EMPTY : packed;
        lpUsed = bytes;
        lpSize = n;
        zsl = null;
        dict = null;
    }

    /**
     * zsetConvert(zobj, OBJ_ENCODING_SKIPLIST) outside of a write: SORT converts the sorted set it
     * sorts, for good, so OBJECT ENCODING says "skiplist" afterwards, as in Redis 7.0.
     */
    public void toSkiplist() {
        if (zsl == null) {
            convertToSkiplist();
        }
    }

    private void convertToSkiplist() {
        SkipList list = new SkipList();
        BytesMap<SkipList.Node> index = new BytesMap<>(lpSize);
        int p = 0;
        for (int i = 0; i < lpSize; i++) {
            byte[] member = Listpack.decode(lp, p);
            p += Listpack.entrySize(lp, p);
            double score = Listpack.readScore(lp, p);
            p += Listpack.entrySize(lp, p);
            index.insert(list.insert(score, member));
        }
        zsl = list;
        dict = index;
        lp = null;
        lpUsed = 0;
        lpSize = 0;
    }

    /** The offset of the member entry equal to the encoded member, or -1. */
    private int lpFind(byte[] encodedMember) {
        byte[] a = lp;
        int n = encodedMember.length;
        int p = 0;
        while (p < lpUsed) {
            int ms = Listpack.entrySize(a, p);
            if (ms == n && Arrays.equals(a, p, p + n, encodedMember, 0, n)) {
                return p;
            }
            p += ms;
            p += Listpack.entrySize(a, p);
        }
        return -1;
    }

    /** The offset of the element of this rank. */
    private int lpOffset(int rank) {
        int p = 0;
        for (int i = 0; i < rank; i++) {
            p += Listpack.entrySize(lp, p);
            p += Listpack.entrySize(lp, p);
        }
        return p;
    }

    /** The offsets of the first {@code n} elements (at most all of them). */
    private int[] lpOffsets(int n) {
        int count = Math.min(n, lpSize);
        int[] offsets = new int[count];
        int p = 0;
        for (int i = 0; i < count; i++) {
            offsets[i] = p;
            p += Listpack.entrySize(lp, p);
            p += Listpack.entrySize(lp, p);
        }
        return offsets;
    }

    /** Deletes the element (member and score entries) at offset {@code p}. */
    private void lpDelete(int p) {
        int ms = Listpack.entrySize(lp, p);
        int len = ms + Listpack.entrySize(lp, p + ms);
        lp = Listpack.splice(lp, lpUsed, p, len, Listpack.EMPTY, 0, 0);
        lpUsed -= len;
        lpSize--;
        if (lpSize == 0) {
            lp = Listpack.EMPTY;
        }
    }

    /** Inserts an absent member at its (score, member) position. */
    private void lpInsert(byte[] encodedMember, byte[] member, double score) {
        int p = 0;
        while (p < lpUsed) {
            int ms = Listpack.entrySize(lp, p);
            double s = Listpack.readScore(lp, p + ms);
            if (s > score || (s == score && Listpack.compareString(lp, p, member) > 0)) {
                break;
            }
            p += ms;
            p += Listpack.entrySize(lp, p);
        }
        int scoreSize = Listpack.scoreSize(score);
        byte[] entry = Arrays.copyOf(encodedMember, encodedMember.length + scoreSize);
        Listpack.writeScore(entry, encodedMember.length, score);
        lp = Listpack.splice(lp, lpUsed, p, 0, entry, 0, entry.length);
        lpUsed += entry.length;
        lpSize++;
    }
}
