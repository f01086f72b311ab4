package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's zskiplist: nodes ordered by (score, member bytes), each level link carrying the span
 * (number of nodes it jumps over) so that rank lookups and rank-addressed access are O(log n).
 */
public final class SkipList {
    static final int MAX_LEVEL = 32;

    /**
     * One element; member bytes are shared with the sorted set's member index. The first two levels
     * (all of a node's levels for 15 nodes in 16) live in the node's own fields, so that walking the
     * list touches one object per hop instead of a node and its level arrays; higher levels are in
     * two arrays allocated only for nodes that have them.
     */
    public static final class Node {
        final byte[] member;
        double score;
        Node backward;
        private Node forward0;
        private Node forward1;
        private int span0;
        private int span1;
        /** Levels 2 and up, or null. */
        private Node[] forwardHigh;
        private int[] spanHigh;

        Node(int level, double score, byte[] member) {
            this.member = member;
            this.score = score;
            if (level > 2) {
                this.forwardHigh = new Node[level - 2];
                this.spanHigh = new int[level - 2];
            }
        }

        Node forward(int i) {
            return i == 0 ? forward0 : i == 1 ? forward1 : forwardHigh[i - 2];
        }

        void forward(int i, Node n) {
            if (i == 0) {
                forward0 = n;
            } else if (i == 1) {
                forward1 = n;
            } else {
                forwardHigh[i - 2] = n;
            }
        }

        int span(int i) {
            return i == 0 ? span0 : i == 1 ? span1 : spanHigh[i - 2];
        }

        void span(int i, int s) {
            if (i == 0) {
                span0 = s;
            } else if (i == 1) {
                span1 = s;
            } else {
                spanHigh[i - 2] = s;
            }
        }

        public byte[] member() {
            return member;
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
     * Heap bytes per node for the memory estimate: the node (header 12, score 8, 7 references and
     * ints 7x4 = 48, aligned 56) plus, for the 1 in 16 nodes above level 2, two small level arrays.
     */
    public static final long NODE_BYTES = 60;
    /** The insert/delete scratch arrays of one skiplist (two 32-slot arrays). */
    public static final long SCRATCH_BYTES = 2 * (16 + 4 * MAX_LEVEL);

    /** A monotone condition on elements in ascending order: true for a prefix, false after. */
    @FunctionalInterface
    public interface Prefix {
        boolean test(double score, byte[] member);
    }

    private final Node header = new Node(MAX_LEVEL, 0, null);
    private Node tail;
    private int length;
    private int level = 1;
    /** Scratch of insert and delete (the keyspace is single-threaded): no garbage per update. */
    private final Node[] update = new Node[MAX_LEVEL];
    private final int[] rank = new int[MAX_LEVEL];

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

    /** Redis's level distribution: one level more with probability 1/4 (ZSKIPLIST_P), i.e. two more zero bits. */
    private static int randomLevel() {
        long bits = ThreadLocalRandom.current().nextLong();
        int lvl = 1 + Long.numberOfTrailingZeros(bits) / 2;
        return Math.min(lvl, MAX_LEVEL);
    }

    /** Inserts an element known to be absent. */
    public Node insert(double score, byte[] member) {
        Node[] update = this.update;
        int[] rank = this.rank;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            for (Node next = x.forward(i); next != null && compare(next.score, next.member, score, member) < 0;
                    next = x.forward(i)) {
                rank[i] += x.span(i);
                x = next;
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                update[i].span(i, length);
            }
            level = lvl;
        }
        x = new Node(lvl, score, member);
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
        return x;
    }

    /** Removes the element with this score and member; false if there is none. */
    public boolean delete(double score, byte[] member) {
        Node[] update = this.update;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            for (Node next = x.forward(i); next != null && compare(next.score, next.member, score, member) < 0;
                    next = x.forward(i)) {
                x = next;
            }
            update[i] = x;
        }
        x = x.forward0;
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            deleteNode(x, update);
            return true;
        }
        return false;
    }

    private void deleteNode(Node x, Node[] update) {
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

    /** 1-based rank of the element, or 0 if absent (zslGetRank). */
    public long rank(double score, byte[] member) {
        Node x = header;
        long rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.forward(i) != null && compare(x.forward(i).score, x.forward(i).member, score, member) <= 0) {
                rank += x.span(i);
                x = x.forward(i);
            }
            if (x.member != null && x != header && x.score == score && Arrays.equals(x.member, member)) {
                return rank;
            }
        }
        return 0;
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
            while (x.forward(i) != null && prefix.test(x.forward(i).score, x.forward(i).member)) {
                rank += x.span(i);
                x = x.forward(i);
            }
        }
        return rank;
    }
}
