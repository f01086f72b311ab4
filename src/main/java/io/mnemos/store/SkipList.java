package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: nodes ordered by (score, member bytes), each level link carrying the span
 * (number of nodes it jumps over) so that rank lookups and rank-addressed access are O(log n).
 */
public final class SkipList {
    static final int MAX_LEVEL = 32;
    /** Levels held in a node's own fields; only 1 node in 256 has more. */
    private static final int INLINE_LEVELS = 4;

    /**
     * One element. A node is also its sorted set's member-index entry ({@link BytesMap.Entry}: the
     * member bytes, their hash and the chain link), so a member costs one object and a score lookup
     * one hop. The first four levels live in the node's own fields, so that a search touches one
     * object per hop (a cache miss each on a big set) instead of a node and its level arrays; higher
     * levels are in two arrays allocated only for the nodes that have them.
     */
    public static final class Node extends BytesMap.Entry {
        double score;
        Node backward;
        private Node forward0;
        private Node forward1;
        private Node forward2;
        private Node forward3;
        private int span0;
        private int span1;
        private int span2;
        private int span3;
        /** Levels 4 and up, or null. */
        private Node[] forwardHigh;
        private int[] spanHigh;
        private final byte level;

        Node(int level, double score, byte[] member) {
            super(member);
            this.score = score;
            this.level = (byte) level;
            if (level > INLINE_LEVELS) {
                this.forwardHigh = new Node[level - INLINE_LEVELS];
                this.spanHigh = new int[level - INLINE_LEVELS];
            }
        }

        /** The header: all levels, no member. */
        private Node() {
            this.level = MAX_LEVEL;
            this.forwardHigh = new Node[MAX_LEVEL - INLINE_LEVELS];
            this.spanHigh = new int[MAX_LEVEL - INLINE_LEVELS];
        }

        Node forward(int i) {
            return switch (i) {
                case 0 -> forward0;
                case 1 -> forward1;
                case 2 -> forward2;
                case 3 -> forward3;
                default -> forwardHigh[i - INLINE_LEVELS];
            };
        }

        void forward(int i, Node n) {
            switch (i) {
                case 0 -> forward0 = n;
                case 1 -> forward1 = n;
                case 2 -> forward2 = n;
                case 3 -> forward3 = n;
                default -> forwardHigh[i - INLINE_LEVELS] = n;
            }
        }

        int span(int i) {
            return switch (i) {
                case 0 -> span0;
                case 1 -> span1;
                case 2 -> span2;
                case 3 -> span3;
                default -> spanHigh[i - INLINE_LEVELS];
            };
        }

        void span(int i, int s) {
            switch (i) {
                case 0 -> span0 = s;
                case 1 -> span1 = s;
                case 2 -> span2 = s;
                case 3 -> span3 = s;
                default -> spanHigh[i - INLINE_LEVELS] = s;
            }
        }

        public byte[] member() {
            return key;
        }

        public double score() {
            return score;
        }

        /** The next node in ascending order, or null. */
        public Node next() {
            return forward0;
        }

        /** The previous node, or null at the first. */
        public Node previous() {
            return backward;
        }
    }

    /**
     * Heap bytes per node for the memory estimate, member-index entry included: header 12, key,
     * hash, next, backward, four forwards, four spans, two level arrays 14x4 = 56, score 8, level 1,
     * aligned 80 (the 1 in 256 nodes above level 4 add two small arrays, left out).
     */
    public static final long NODE_BYTES = 80;
    /** The search scratch arrays of one skiplist (three 32-slot arrays). */
    public static final long SCRATCH_BYTES = 3 * (16 + 4 * MAX_LEVEL);

    /** A monotone condition on elements in ascending order: true for a prefix, false after. */
    @FunctionalInterface
    public interface Prefix {
        boolean test(double score, byte[] member);
    }

    private final Node header = new Node();
    private Node tail;
    private int length;
    private int level = 1;
    /** Scratch of insert and delete (the keyspace is single-threaded): no garbage per update. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rank = new int[MAX_LEVEL];
    /** Scratch of {@link #updateScore}: the node's current predecessors. */
    private final Node[] preds = new Node[MAX_LEVEL];

    public int length() {
        return length;
    }

    public Node first() {
        return header.forward0;
    }

    public Node last() {
        return tail;
    }

    /** Orders elements as Redis: by score, then by member bytes (memcmp, shorter first on a tie). */
    public static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        if (s1 != s2) {
            return s1 < s2 ? -1 : 1;
        }
        return Arrays.compareUnsigned(m1, m2);
    }

    /** Whether node {@code n} sorts before the element (score, member). */
    private static boolean before(Node n, double score, byte[] member) {
        double s = n.score;
        return s < score || (s == score && Arrays.compareUnsigned(n.key, member) < 0);
    }

    /** Redis's level distribution: one level more with probability 1/4 (ZSKIPLIST_P), i.e. two more zero bits. */
    private static int randomLevel() {
        long bits = ThreadLocalRandom.current().nextLong();
        int lvl = 1 + Long.numberOfTrailingZeros(bits) / 2;
        return Math.min(lvl, MAX_LEVEL);
    }

    /** Inserts an element known to be absent. */
    public Node insert(double score, byte[] member) {
        Node x = new Node(randomLevel(), score, member);
        link(x);
        return x;
    }

    /**
     * zslUpdateScore: gives a node a new score and moves it to its new place, the same node with the
     * same level (nothing allocated, the member index keeps pointing to it). The search for its
     * current predecessors (to unlink it) and the search for the predecessors at the new place run in
     * one loop, a step of each per iteration: two independent pointer chases whose cache misses the CPU overlaps, where one after
     * the other (zslUpdateScore's delete and insert) waits for each miss in turn. The second search
     * treats the node as already gone (it hops over it), and its ranks count the node, so those past
     * the node are corrected by one before linking. When both searches end at the same predecessor
     * the node is already in its place (checked after the search, as Redis does, rather than by
     * reading both neighbours first: two more cache misses that nothing overlaps).
     */
    public void updateScore(Node x, double score) {
        double oldScore = x.score;
        byte[] member = x.key;
        Node[] preds = this.preds;
        Node[] update = this.update;
        int[] rank = this.rank;
        Node pd = header;
        Node pi = header;
        int rd = 0;
        int ri = 0;
        for (int i = level - 1; i >= 0; i--) {
            boolean moved;
            do {
                Node nd = pd.forward(i);
                boolean dMove = nd != null && nd != x && before(nd, oldScore, member);
                Node ni = pi.forward(i);
                int span = pi.span(i);
                if (ni == x) {
                    span += x.span(i);
                    ni = x.forward(i);
                }
                boolean iMove = ni != null && before(ni, score, member);
                if (dMove) {
                    rd += pd.span(i);
                    pd = nd;
                }
                if (iMove) {
                    ri += span;
                    pi = ni;
                }
                moved = dMove || iMove;
            } while (moved);
            preds[i] = pd;
            update[i] = pi;
            rank[i] = ri;
        }
        if (update[0] == preds[0]) {
            x.score = score;
            return;
        }
        int position = rd + 1;
        for (int i = 0; i < level; i++) {
            if (rank[i] > position) {
                rank[i]--;
            }
        }
        unlink(x, preds);
        x.score = score;
        linkAt(x);
    }

    /**
     * Links a node at its (score, member) place, its level already chosen. The search is written
     * out per inline level (direct field reads in tight loops): it is most of ZADD's time on a big
     * set.
     */
    private void link(Node x) {
        double score = x.score;
        byte[] member = x.key;
        Node[] update = this.update;
        int[] rank = this.rank;
        Node p = header;
        int r = 0;
        Node next;
        for (int i = level - 1; i >= INLINE_LEVELS; i--) {
            while ((next = p.forwardHigh[i - INLINE_LEVELS]) != null && before(next, score, member)) {
                r += p.spanHigh[i - INLINE_LEVELS];
                p = next;
            }
            update[i] = p;
            rank[i] = r;
        }
        if (level > 3) {
            while ((next = p.forward3) != null && before(next, score, member)) {
                r += p.span3;
                p = next;
            }
            update[3] = p;
            rank[3] = r;
        }
        if (level > 2) {
            while ((next = p.forward2) != null && before(next, score, member)) {
                r += p.span2;
                p = next;
            }
            update[2] = p;
            rank[2] = r;
        }
        if (level > 1) {
            while ((next = p.forward1) != null && before(next, score, member)) {
                r += p.span1;
                p = next;
            }
            update[1] = p;
            rank[1] = r;
        }
        while ((next = p.forward0) != null && before(next, score, member)) {
            r += p.span0;
            p = next;
        }
        update[0] = p;
        rank[0] = r;
        linkAt(x);
    }

    /** Links a node after the predecessors in {@code update}, whose ranks are in {@code rank}. */
    private void linkAt(Node x) {
        Node[] update = this.update;
        int[] rank = this.rank;
        int lvl = x.level;
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.span(i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            Node u = update[i];
            x.forward(i, u.forward(i));
            u.forward(i, x);
            x.span(i, u.span(i) - (rank[0] - rank[i]));
            u.span(i, (rank[0] - rank[i]) + 1);
        }
        for (int i = lvl; i < level; i++) {
            update[i].span(i, update[i].span(i) + 1);
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.forward0 != null) {
            x.forward0.backward = x;
        } else {
            tail = x;
        }
        length++;
    }

    /**
     * Unlinks a node of this list. The search for its predecessors stops at the node itself by
     * identity, so it compares members only with other nodes of the same score.
     */
    public void delete(Node x) {
        double score = x.score;
        byte[] member = x.key;
        Node[] update = this.update;
        Node p = header;
        Node next;
        for (int i = level - 1; i >= INLINE_LEVELS; i--) {
            while ((next = p.forwardHigh[i - INLINE_LEVELS]) != null && next != x && before(next, score, member)) {
                p = next;
            }
            update[i] = p;
        }
        if (level > 3) {
            while ((next = p.forward3) != null && next != x && before(next, score, member)) {
                p = next;
            }
            update[3] = p;
        }
        if (level > 2) {
            while ((next = p.forward2) != null && next != x && before(next, score, member)) {
                p = next;
            }
            update[2] = p;
        }
        if (level > 1) {
            while ((next = p.forward1) != null && next != x && before(next, score, member)) {
                p = next;
            }
            update[1] = p;
        }
        while ((next = p.forward0) != null && next != x && before(next, score, member)) {
            p = next;
        }
        update[0] = p;
        if (next != x) {
            throw new IllegalStateException("node is not in this skiplist");
        }
        unlink(x, update);
    }

    /** Unlinks a node whose predecessor at each level is in {@code update}. */
    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            Node u = update[i];
            if (u.forward(i) == x) {
                u.span(i, u.span(i) + x.span(i) - 1);
                u.forward(i, x.forward(i));
            } else {
                u.span(i, u.span(i) - 1);
            }
        }
        if (x.forward0 != null) {
            x.forward0.backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.forward(level - 1) == null) {
            level--;
        }
        length--;
    }

    /** 1-based rank of a node of this list (zslGetRank). */
    public long rank(Node target) {
        double score = target.score;
        byte[] member = target.key;
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node next;
            while ((next = x.forward(i)) != null && (next == target || before(next, score, member))) {
                rank += x.span(i);
                x = next;
            }
            if (x == target) {
                return rank;
            }
        }
        throw new IllegalStateException("node is not in this skiplist");
    }

    /** The element of 1-based rank, or null (zslGetElementByRank). */
    public Node byRank(long rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        Node x = header;
        long traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward(i) != null && traversed + x.span(i) <= rank) {
                traversed += x.span(i);
                x = x.forward(i);
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    /** How many leading elements satisfy a monotone condition, in O(log n). */
    public long countPrefix(Prefix prefix) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward(i) != null && prefix.test(x.forward(i).score, x.forward(i).key)) {
                rank += x.span(i);
                x = x.forward(i);
            }
        }
        return rank;
    }
}
