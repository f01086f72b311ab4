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
                c.dict.add(n.member, c.zsl.insert(n.score, n.member));
            }
        }
        return c;
    }

    public int size() {
        return zsl == null ? lpSize : zsl.length();
    }

    /**
     * Heap estimate for used_memory, O(1): this object (header 12, lp, zsl, dict 3x4, lpUsed,
     * lpSize 2x4 = 32) and the listpack's byte array at its capacity; a skiplist adds one node per
     * member to the member index, whose size is kept incrementally.
     */
    @Override
    public long memoryUsage() {
        if (zsl == null) {
            return 32 + (lp.length == 0 ? 0 : MemoryModel.byteArray(lp.length));
        }
        return 48 + SkipList.SCRATCH_BYTES + dict.memoryUsage() + SkipList.NODE_BYTES * zsl.length();
    }

    /** The member's score, or null. */
    public Double score(byte[] member) {
        if (zsl == null) {
            int p = lpFind(Listpack.encode(member));
            return p < 0 ? null : Listpack.readScore(lp, p + Listpack.entrySize(lp, p));
        }
        BytesMap.Node<SkipList.Node> n = dict.get(member);
        return n == null ? null : n.value().score;
    }

    /**
     * Sets a member's score, adding the member if absent, and converts to a skiplist when the
     * listpack would exceed its limits (zsetAdd).
     */
    public void put(byte[] member, double score, int maxEntries, int maxValue) {
        if (zsl == null) {
            byte[] enc = Listpack.encode(member);
            int p = lpFind(enc);
            if (p >= 0) {
                if (Listpack.readScore(lp, p + enc.length) == score) {
                    return;
                }
                lpDelete(p);
                lpInsert(enc, member, score);
                return;
            }
            if (lpSize + 1 > maxEntries || member.length > maxValue) {
                convertToSkiplist();
            } else {
                lpInsert(enc, member, score);
                return;
            }
        }
        BytesMap.Node<SkipList.Node> n = dict.get(member);
        if (n != null) {
            SkipList.Node old = n.value();
            if (old.score == score) {
                return;
            }
            zsl.delete(old.score, old.member);
            n.value(zsl.insert(score, n.key()));
        } else {
            dict.add(member, zsl.insert(score, member));
        }
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
        BytesMap.Node<SkipList.Node> n = dict.remove(member);
        if (n == null) {
            return false;
        }
        zsl.delete(n.value().score, n.value().member);
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
        BytesMap.Node<SkipList.Node> n = dict.get(member);
        if (n == null) {
            return -1;
        }
        return zsl.rank(n.value().score, n.value().member) - 1;
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
            visitor.accept(n.member, n.score);
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
            dict.remove(n.member);
            zsl.delete(n.score, n.member);
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
        return zsl.byRank(rank + 1).member;
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
        return dict.scan(cursor, n -> visitor.accept(n.key(), n.value().score));
    }

    /** zsetConvertToListpackIfNeeded: back to a listpack when a stored result is small enough. */
    public void convertToListpackIfNeeded(long maxMemberLength, int maxEntries, int maxValue) {
        if (zsl == null || zsl.length() > maxEntries || maxMemberLength > maxValue) {
            return;
        }
        int n = zsl.length();
        int bytes = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            bytes += Listpack.encodedSize(x.member) + Listpack.scoreSize(x.score);
        }
        byte[] packed = new byte[bytes];
        int p = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            p = Listpack.write(packed, p, x.member);
            p = Listpack.writeScore(packed, p, x.score);
        }
        lp = n == 0 ? Listpack.EMPTY : packed;
        lpUsed = bytes;
        lpSize = n;
        zsl = null;
        dict = null;
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
            index.add(member, list.insert(score, member));
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
