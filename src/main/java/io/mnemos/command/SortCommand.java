package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.HashValue;
import io.mnemos.store.ListValue;
import io.mnemos.store.SetValue;
import io.mnemos.store.ZSetValue;
import io.mnemos.util.LibcSorts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * SORT and SORT_RO, as Redis 7.0's sort.c: options parsed left to right (the last ASC/DESC,
 * LIMIT, BY and STORE win, GETs add up), weights looked up per element, a stable full sort (glibc's
 * qsort is a merge sort) or {@link LibcSorts#pqsort} for BY with a LIMIT, and the elements' native
 * order, without sorting, for a BY pattern without '*'.
 *
 * <p>Patterns are C strings in Redis (strchr, strstr): their first NUL byte ends the search for '*'
 * and "->", and ALPHA compares with strcoll, which stops at a NUL too. Under the C or C.UTF-8 locale
 * redis-server runs in, strcoll is strcmp; with STORE, Redis compares whole byte strings instead.
 */
public final class SortCommand implements CommandFamily {
    private static final String COMPLEXITY = "O(N+M*log(M)) where N is the number of elements in the list or set to "
            + "sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("sort", -2).flags(WRITE, DENYOOM, MOVABLEKEYS).keys(1, 1, 1).group("generic")
                        .summary("Sort the elements in a list, set or sorted set")
                        .complexity(COMPLEXITY)
                        .handler(c -> sort(c, false)).build(),
                command("sort_ro", -2).flags(READONLY, MOVABLEKEYS).keys(1, 1, 1).group("generic").since("7.0.0")
                        .summary("Sort the elements in a list, set or sorted set. Read-only variant of SORT.")
                        .complexity(COMPLEXITY)
                        .handler(c -> sort(c, true)).build());
    }

    /** One element being sorted (redisSortObject): the element, and its numeric or ALPHA weight. */
    private static final class Item {
        final byte[] value;
        double score;
        /** The BY value for ALPHA sorting by a pattern; null when that key or field is missing. */
        byte[] weight;

        Item(byte[] value) {
            this.value = value;
        }
    }

    /** SORT's options, parsed left to right as Redis does: the last ASC/DESC, LIMIT, BY and STORE win. */
    private static final class Options {
        boolean desc;
        boolean alpha;
        /** BY a pattern without '*': nothing to sort. Once set, a later BY with '*' does not clear it. */
        boolean dontsort;
        long limitStart;
        long limitCount = -1;
        byte[] sortby;
        byte[] storekey;
        final List<byte[]> gets = new ArrayList<>();

        static Options parse(Client c, boolean readonly) {
            Options o = new Options();
            // BY with a real pattern and GET read keys no key spec names: they need access to every key.
            boolean fullKeyAccess = c.server().acl().readsAllKeys(c.aclUser(), c.command(), c.argv(), AclGuard::keys);
            int argc = c.argc();
            for (int j = 2; j < argc; j++) {
                byte[] arg = c.arg(j);
                int leftargs = argc - j - 1;
                if (Args.is(arg, "asc")) {
                    o.desc = false;
                } else if (Args.is(arg, "desc")) {
                    o.desc = true;
                } else if (Args.is(arg, "alpha")) {
                    o.alpha = true;
                } else if (Args.is(arg, "limit") && leftargs >= 2) {
                    o.limitStart = Args.parseLong(c.arg(j + 1));
                    o.limitCount = Args.parseLong(c.arg(j + 2));
                    j += 2;
                } else if (!readonly && Args.is(arg, "store") && leftargs >= 1) {
                    o.storekey = c.arg(++j);
                } else if (Args.is(arg, "by") && leftargs >= 1) {
                    o.sortby = c.arg(++j);
                    if (indexOf(o.sortby, (byte) '*', 0, cLength(o.sortby)) < 0) {
                        o.dontsort = true;
                    } else if (!fullKeyAccess) {
                        throw CommandError.err("BY option of SORT denied due to insufficient ACL permissions.");
                    }
                } else if (Args.is(arg, "get") && leftargs >= 1) {
                    if (!fullKeyAccess) {
                        throw CommandError.err("GET option of SORT denied due to insufficient ACL permissions.");
                    }
                    o.gets.add(c.arg(++j));
                } else {
                    throw CommandError.SYNTAX;
                }
            }
            return o;
        }
    }

    /** sortCommandGeneric. */
    private static void sort(Client c, boolean readonly) {
        Options o = Options.parse(c, readonly);
        boolean desc = o.desc;
        boolean alpha = o.alpha;
        boolean dontsort = o.dontsort;
        byte[] sortby = o.sortby;
        byte[] storekey = o.storekey;
        List<byte[]> gets = o.gets;

        Database db = c.db();
        Entry entry = db.lookupRead(c.arg(1));
        Object sortval = entry == null ? new ListValue() : entry.value();
        if (!(sortval instanceof ListValue || sortval instanceof SetValue || sortval instanceof ZSetValue)) {
            throw CommandError.WRONG_TYPE;
        }
        // A set has no order of its own: sorted anyway where the result must not depend on the
        // server (stored, or in a script), so that replicas and the AOF agree.
        if (dontsort && sortval instanceof SetValue && (storekey != null || c.scriptClient())) {
            dontsort = false;
            alpha = true;
            sortby = null;
        }
        if (sortval instanceof ZSetValue z) {
            z.toSkiplist();
        }

        int vectorlen = switch (sortval) {
            case ListValue l -> l.size();
            case SetValue s -> s.size();
            default -> ((ZSetValue) sortval).size();
        };
        // LIMIT sanity checks, clamped to the size so that nothing overflows.
        long start = Math.min(Math.max(o.limitStart, 0), vectorlen);
        long limitCount = Math.min(Math.max(o.limitCount, -1), vectorlen);
        long end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
        if (start >= vectorlen) {
            start = vectorlen - 1;
            end = vectorlen - 2;
        }
        if (end >= vectorlen) {
            end = vectorlen - 1;
        }
        // Lists and sorted sets have an order: unsorted, only the range asked for is loaded.
        if (!(sortval instanceof SetValue) && dontsort && (start != 0 || end != vectorlen - 1)) {
            vectorlen = (int) (end - start + 1);
        }

        Item[] vector = new Item[vectorlen];
        if (sortval instanceof ListValue list && dontsort) {
            if (end >= start) {
                // From the head, or backwards from the tail for DESC.
                int size = list.size();
                for (int j = 0; j < vectorlen; j++) {
                    vector[j] = new Item(list.get(desc ? (int) (size - start - 1 - j) : (int) (start + j)));
                }
                end -= start;
                start = 0;
            }
        } else if (sortval instanceof ListValue list) {
            for (int j = 0; j < vectorlen; j++) {
                vector[j] = new Item(list.get(j));
            }
        } else if (sortval instanceof SetValue set) {
            int[] j = {0};
            set.forEach(member -> vector[j[0]++] = new Item(member));
        } else if (dontsort) {
            ZSetValue zset = (ZSetValue) sortval;
            if (vectorlen > 0) {
                // Ascending ranks start..start+n-1, or descending from the start-th last.
                int size = zset.size();
                long first = desc ? size - start - vectorlen : start;
                int[] j = {0};
                zset.range(first, first + vectorlen - 1, desc, (member, score) -> vector[j[0]++] = new Item(member));
            }
            end -= start;
            start = 0;
        } else {
            // Redis walks the member dict, whose order is random per process; the ascending order
            // here only matters for ALPHA weights that tie.
            int[] j = {0};
            ((ZSetValue) sortval).forEach((member, score) -> vector[j[0]++] = new Item(member));
        }

        boolean conversionError = false;
        if (!dontsort) {
            for (Item item : vector) {
                byte[] byval = sortby != null ? lookupByPattern(db, sortby, item.value) : item.value;
                if (byval == null) {
                    continue;
                }
                if (alpha) {
                    if (sortby != null) {
                        item.weight = byval;
                    }
                } else {
                    Double score = Args.parseCStringDouble(byval);
                    if (score == null) {
                        conversionError = true;
                    } else {
                        item.score = score;
                    }
                }
            }
            Comparator<Item> cmp = comparator(alpha, sortby != null, storekey != null, desc);
            if (sortby != null && (start != 0 || end != vectorlen - 1)) {
                LibcSorts.pqsort(vector, vector.length, cmp, (int) start, (int) end);
            } else {
                LibcSorts.qsort(vector, vector.length, cmp);
            }
        }

        long count = end - start + 1;
        long outputlen = gets.isEmpty() ? count : gets.size() * count;
        if (conversionError) {
            throw CommandError.err("One or more scores can't be converted into double");
        }
        if (storekey == null) {
            c.reply().arrayHeader(outputlen);
            for (long j = start; j <= end; j++) {
                byte[] element = vector[(int) j].value;
                if (gets.isEmpty()) {
                    c.reply().bulk(element);
                }
                for (byte[] pattern : gets) {
                    byte[] val = lookupByPattern(db, pattern, element);
                    if (val == null) {
                        c.reply().nullBulk();
                    } else {
                        c.reply().bulk(val);
                    }
                }
            }
            return;
        }
        ListValue stored = new ListValue(c.server().config().listFill());
        for (long j = start; j <= end; j++) {
            byte[] element = vector[(int) j].value;
            if (gets.isEmpty()) {
                stored.pushTail(element);
            }
            for (byte[] pattern : gets) {
                byte[] val = lookupByPattern(db, pattern, element);
                // A copy: a string value's array may be changed in place later (SETBIT, SETRANGE).
                stored.pushTail(val == null ? new byte[0] : val.clone());
            }
        }
        if (outputlen > 0) {
            db.put(storekey, stored, false);
            Events.list(c, "sortstore", storekey);
            dirty(c, outputlen);
        } else if (db.delete(storekey)) {
            Events.generic(c, "del", storekey);
            dirty(c, 1);
        }
        c.reply().integer(outputlen);
    }

    /**
     * sortCompare. Numbers compare as doubles, ties by the elements' bytes so the result is
     * deterministic; ALPHA compares the BY values (a missing one first) or the elements, with
     * strcoll (C strings) for a reply and as whole byte strings for STORE.
     */
    private static Comparator<Item> comparator(boolean alpha, boolean byPattern, boolean store, boolean desc) {
        Comparator<Item> cmp;
        if (!alpha) {
            cmp = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1 : Arrays.compareUnsigned(a.value, b.value);
        } else if (byPattern) {
            cmp = (a, b) -> {
                if (a.weight == null || b.weight == null) {
                    return a.weight == b.weight ? 0 : a.weight == null ? -1 : 1;
                }
                return store ? Arrays.compareUnsigned(a.weight, b.weight) : strcoll(a.weight, b.weight);
            };
        } else {
            cmp = (a, b) -> store ? Arrays.compareUnsigned(a.value, b.value) : strcoll(a.value, b.value);
        }
        return desc ? (a, b) -> -cmp.compare(a, b) : cmp;
    }

    /** strcoll under the C locale: strcmp, unsigned bytes up to the first NUL. */
    private static int strcoll(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 0, cLength(a), b, 0, cLength(b));
    }

    /**
     * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
     * element and the key read, as a string, or as a hash when "->field" follows the '*'. Null for
     * a pattern without '*', a missing key, field, or a value of another type.
     */
    static byte[] lookupByPattern(Database db, byte[] pattern, byte[] subst) {
        int clen = cLength(pattern);
        if (clen == 1 && pattern[0] == '#') {
            return subst;
        }
        int star = indexOf(pattern, (byte) '*', 0, clen);
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 1 < clen; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        byte[] field = null;
        if (arrow >= 0 && arrow + 2 < clen) {
            field = Arrays.copyOfRange(pattern, arrow + 2, pattern.length);
        }
        int postfixLength = pattern.length - (star + 1) - (field == null ? 0 : field.length + 2);
        byte[] key = new byte[star + subst.length + postfixLength];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(subst, 0, key, star, subst.length);
        System.arraycopy(pattern, star + 1, key, star + subst.length, postfixLength);
        Entry e = db.lookupRead(key);
        if (e == null) {
            return null;
        }
        if (field != null) {
            return e.value() instanceof HashValue h ? h.get(field) : null;
        }
        return e.value() instanceof byte[] s ? s : null;
    }

    /** strlen: the length of the C string the bytes make, up to the first NUL. */
    private static int cLength(byte[] s) {
        int n = indexOf(s, (byte) 0, 0, s.length);
        return n < 0 ? s.length : n;
    }

    private static int indexOf(byte[] s, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }
}
