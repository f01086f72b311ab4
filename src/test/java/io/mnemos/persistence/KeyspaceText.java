package io.mnemos.persistence;

import io.mnemos.testing.RespConnection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * A server's whole keyspace as comparable text: per database, per key its type, its contents in a
 * canonical order (sets and hashes sorted) and its absolute expiry. Works against Mnemos and Redis.
 */
final class KeyspaceText {
    private KeyspaceText() {
    }

    /** Elements of a flat RESP reply (arrays of bulk strings / integers), without CRLF in values. */
    static List<String> elements(String reply) {
        List<String> out = new ArrayList<>();
        String[] lines = reply.split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith("*")) {
                continue;
            }
            if (l.startsWith("$")) {
                if (l.equals("$-1")) {
                    out.add(null);
                } else {
                    out.add(lines[++i]);
                }
            } else if (l.startsWith(":") || l.startsWith("+")) {
                out.add(l.substring(1));
            }
        }
        return out;
    }

    static String of(RespConnection c, int databases) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int db = 0; db < databases; db++) {
            c.call("SELECT", Integer.toString(db));
            List<String> keys = elements(c.call("KEYS", "*"));
            Collections.sort(keys);
            for (String k : keys) {
                String type = elements(c.call("TYPE", k)).get(0);
                String content = switch (type) {
                    case "string" -> elements(c.call("GET", k)).toString();
                    case "list" -> elements(c.call("LRANGE", k, "0", "-1")).toString();
                    case "set" -> sorted(elements(c.call("SMEMBERS", k))).toString();
                    case "zset" -> elements(c.call("ZRANGE", k, "0", "-1", "WITHSCORES")).toString();
                    case "hash" -> {
                        List<String> kv = elements(c.call("HGETALL", k));
                        TreeMap<String, String> m = new TreeMap<>();
                        for (int i = 0; i < kv.size(); i += 2) {
                            m.put(kv.get(i), kv.get(i + 1));
                        }
                        yield m.toString();
                    }
                    case "stream" -> elements(c.call("XRANGE", k, "-", "+")) + " groups="
                            + elements(c.call("XINFO", "GROUPS", k)) + " pending=" + pending(c, k);
                    default -> "?";
                };
                String expire = elements(c.call("PEXPIRETIME", k)).get(0);
                sb.append(db).append(' ').append(k).append(' ').append(type).append(' ').append(content)
                        .append(" exp=").append(expire).append('\n');
            }
        }
        c.call("SELECT", "0");
        return sb.toString();
    }

    /** Each group's pending entries with their consumers and delivery counts (not times). */
    private static String pending(RespConnection c, String key) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> info = elements(c.call("XINFO", "GROUPS", key));
        for (int i = 0; i + 1 < info.size(); i++) {
            if ("name".equals(info.get(i))) {
                List<String> p = elements(c.call("XPENDING", key, info.get(i + 1), "-", "+", "1000"));
                for (int j = 0; j + 3 < p.size(); j += 4) {
                    sb.append(p.get(j)).append('/').append(p.get(j + 1)).append('/').append(p.get(j + 3)).append(' ');
                }
            }
        }
        return sb.toString();
    }

    private static List<String> sorted(List<String> l) {
        Collections.sort(l);
        return l;
    }

    /** Writes one key of every type and encoding Redis 7.0 uses, some with a TTL, in db 0 and 2. */
    static void populateAllTypes(RespConnection c) throws IOException {
        c.call("SET", "str", "hello");
        c.call("SET", "int", "12345");
        c.call("SET", "negint", "-9000000000");
        c.call("SET", "long", "x".repeat(500));
        c.call("SET", "random", "abc" + "0123456789abcdefghij".repeat(7) + "tail");
        c.call("SET", "empty", "");
        c.call("SET", "withttl", "v", "PX", "100000000");
        c.call("PFADD", "hll", "a", "b", "c", "d");
        c.call("RPUSH", "smalllist", "a", "1", "-2", "300000", "c");
        List<String> args = new ArrayList<>(List.of("RPUSH", "biglist"));
        for (int i = 0; i < 400; i++) {
            args.add("element-" + i);
        }
        c.call(args.toArray(new String[0]));
        c.call("RPUSH", "plainlist", "z".repeat(10000), "small");
        c.call("SADD", "intset", "1", "2", "-3", "70000", "5000000000");
        c.call("SADD", "strset", "a", "b", "c");
        args = new ArrayList<>(List.of("SADD", "bigset"));
        for (int i = 0; i < 600; i++) {
            args.add(Integer.toString(i));
        }
        c.call(args.toArray(new String[0]));
        c.call("ZADD", "smallz", "1", "a", "2.5", "b", "-inf", "c", "+inf", "d", "0.1", "e");
        args = new ArrayList<>(List.of("ZADD", "bigz"));
        for (int i = 0; i < 200; i++) {
            args.add(Integer.toString(i * 3));
            args.add("member-" + i);
        }
        c.call(args.toArray(new String[0]));
        c.call("HSET", "smallh", "f1", "v1", "f2", "2", "f3", "-7");
        args = new ArrayList<>(List.of("HSET", "bigh"));
        for (int i = 0; i < 600; i++) {
            args.add("field" + i);
            args.add("value" + i);
        }
        c.call(args.toArray(new String[0]));
        c.call("HSET", "longh", "f", "v".repeat(100));
        // Streams: several nodes with tombstones, one emptied, one whose metadata XSETID moved.
        for (int i = 1; i <= 250; i++) {
            c.call("XADD", "stream", i + "-" + (i % 3), "f", "v" + i, "n", Integer.toString(i));
        }
        c.call("XADD", "stream", "300-0", "other", "fields", "x", "y".repeat(80));
        c.call("XDEL", "stream", "3-0", "150-0", "151-1");
        c.call("XTRIM", "stream", "MAXLEN", "230");
        c.call("XADD", "emptystream", "MAXLEN", "0", "5-5", "f", "v");
        c.call("XADD", "setidstream", "18446744073709551614-1", "f", "v");
        c.call("XSETID", "setidstream", "18446744073709551615-7", "ENTRIESADDED", "9", "MAXDELETEDID", "18446744073709551615-2");
        c.call("XGROUP", "CREATE", "stream", "readers", "0");
        c.call("XGROUP", "CREATE", "stream", "idle", "$", "ENTRIESREAD", "5");
        c.call("XREADGROUP", "GROUP", "readers", "alice", "COUNT", "3", "STREAMS", "stream", ">");
        c.call("XREADGROUP", "GROUP", "readers", "bob", "COUNT", "2", "STREAMS", "stream", ">");
        c.call("XACK", "stream", "readers", "101-2");
        c.call("XGROUP", "CREATECONSUMER", "stream", "readers", "carol");
        c.call("XADD", "ttlstream", "1-1", "f", "v");
        c.call("PEXPIRE", "ttlstream", "60000000");
        c.call("PEXPIRE", "bigh", "50000000");
        c.call("SELECT", "2");
        c.call("SET", "in-db-2", "x");
        c.call("ZADD", "z2", "1", "one");
        c.call("PEXPIRE", "z2", "60000000");
        c.call("SELECT", "0");
    }
}
