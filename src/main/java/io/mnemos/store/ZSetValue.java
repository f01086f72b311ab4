package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Redis sorted set. "listpack": while it has at most zset-max-listpack-entries members of at most
 * zset-max-listpack-value bytes, members and scores are packed in two parallel arrays sorted by
 * (score, member). "skiplist": a {@link SkipList} for order and ranks plus a byte[]-keyed
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

    // listpack encoding
    private byte[][] lpMembers;
    private double[] lpScores;
    private int lpSize;
    // skiplist encoding
    private SkipList zsl;
    private BytesMap<SkipList.Node> dict;

    private ZSetValue() {
    }

    public static ZSetValue listpack() {
        ZSetValue z = new ZSetValue();
        z.lpMembers = new byte[4][];
        z.lpScores = new double[4];
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
            c.lpMembers = Arrays.copyOf(lpMembers, Math.max(4, lpSize));
            c.lpScores = Arrays.copyOf(lpScores, Math.max(4, lpSize));
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
     * Heap estimate for used_memory. A listpack holds at most zset-max-listpack-entries members, so
     * walking it is bounded; a skiplist adds one node (object, level array, score) per member to
     * the member index, whose size is kept incrementally.
     */
    @Override
    public long memoryUsage() {
        if (zsl == null) {
            long bytes = 32 + MemoryModel.refArray(lpMembers.length) + MemoryModel.align(MemoryModel.ARRAY_HEADER + 8L * lpScores.length);
            for (int i = 0; i < lpSize; i++) {
                bytes += MemoryModel.byteArray(lpMembers[i].length);
            }
            return bytes;
        }
        return 48 + SkipList.SCRATCH_BYTES + dict.memoryUsage() + SkipList.NODE_BYTES * zsl.length();
    }

    /** The member's score, or null. */
    public Double score(byte[] member) {
        if (zsl == null) {
            int i = lpFind(member);
            return i < 0 ? null : lpScores[i];
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
            int i = lpFind(member);
            if (i >= 0) {
                if (lpScores[i] == score) {
                    return;
                }
                lpDelete(i);
                lpInsert(member, score);
                return;
            }
            if (lpSize + 1 > maxEntries || member.length > maxValue) {
                convertToSkiplist();
            } else {
                lpInsert(member, score);
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
            int i = lpFind(member);
            if (i < 0) {
                return false;
            }
            lpDelete(i);
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
            return lpFind(member);
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
            int lo = 0;
            int hi = lpSize;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (prefix.test(lpScores[mid], lpMembers[mid])) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
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
            if (rev) {
                for (long i = end; i >= start; i--) {
                    visitor.accept(lpMembers[(int) i], lpScores[(int) i]);
                }
            } else {
                for (long i = start; i <= end; i++) {
                    visitor.accept(lpMembers[(int) i], lpScores[(int) i]);
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
            int e = (int) end;
            int removed = e - s + 1;
            System.arraycopy(lpMembers, e + 1, lpMembers, s, lpSize - e - 1);
            System.arraycopy(lpScores, e + 1, lpScores, s, lpSize - e - 1);
            for (int i = lpSize - removed; i < lpSize; i++) {
                lpMembers[i] = null;
            }
            lpSize -= removed;
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
            return lpMembers[(int) rank];
        }
        return zsl.byRank(rank + 1).member;
    }

    public double scoreAt(long rank) {
        if (zsl == null) {
            return lpScores[(int) rank];
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
        byte[][] members = new byte[Math.max(4, n)][];
        double[] scores = new double[Math.max(4, n)];
        int i = 0;
        for (SkipList.Node x = zsl.first(); x != null; x = x.next()) {
            members[i] = x.member;
            scores[i++] = x.score;
        }
        lpMembers = members;
        lpScores = scores;
        lpSize = n;
        zsl = null;
        dict = null;
    }

    private void convertToSkiplist() {
        SkipList list = new SkipList();
        BytesMap<SkipList.Node> index = new BytesMap<>(lpSize);
        for (int i = 0; i < lpSize; i++) {
            index.add(lpMembers[i], list.insert(lpScores[i], lpMembers[i]));
        }
        zsl = list;
        dict = index;
        lpMembers = null;
        lpScores = null;
        lpSize = 0;
    }

    private int lpFind(byte[] member) {
        for (int i = 0; i < lpSize; i++) {
            if (Arrays.equals(lpMembers[i], member)) {
                return i;
            }
        }
        return -1;
    }

    private void lpDelete(int i) {
        System.arraycopy(lpMembers, i + 1, lpMembers, i, lpSize - i - 1);
        System.arraycopy(lpScores, i + 1, lpScores, i, lpSize - i - 1);
        lpSize--;
        lpMembers[lpSize] = null;
    }

    private void lpInsert(byte[] member, double score) {
        int lo = 0;
        int hi = lpSize;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (SkipList.compare(lpScores[mid], lpMembers[mid], score, member) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lpSize == lpMembers.length) {
            lpMembers = Arrays.copyOf(lpMembers, lpSize * 2);
            lpScores = Arrays.copyOf(lpScores, lpSize * 2);
        }
        System.arraycopy(lpMembers, lo, lpMembers, lo + 1, lpSize - lo);
        System.arraycopy(lpScores, lo, lpScores, lo + 1, lpSize - lo);
        lpMembers[lo] = member;
        lpScores[lo] = score;
        lpSize++;
    }
}
