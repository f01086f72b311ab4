package io.mnemos.persistence;

import io.mnemos.protocol.RedisDoubles;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.HashValue;
import io.mnemos.store.Keyspace;
import io.mnemos.store.ListValue;
import io.mnemos.store.SetValue;
import io.mnemos.store.ZSetValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * rewriteAppendOnlyFileRio: the keyspace as the shortest AOF that rebuilds it. For every non-empty
 * database SELECT, then per key SET / RPUSH / SADD / ZADD / HMSET in batches of
 * {@value #ITEMS_PER_CMD} items (AOF_REWRITE_ITEMS_PER_CMD) and PEXPIREAT for volatile keys.
 * Already expired keys are skipped.
 *
 * <p>It runs on the keyspace thread and produces bytes in memory: that is the consistent view
 * (nothing changes while it runs). Writing them to disk happens on a background thread. To move to
 * a point-in-time snapshot later (copy-on-write values or a forked view), only {@link #serialize}
 * needs to become incremental; the callers already treat its result as an immutable blob.
 */
public final class AofRewriter {
    static final int ITEMS_PER_CMD = 64;
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] SET = ascii("SET");
    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] SADD = ascii("SADD");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] HMSET = ascii("HMSET");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");

    private AofRewriter() {
    }

    public static byte[] serialize(Keyspace keyspace) {
        RespBuffer out = new RespBuffer(64 * 1024);
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            if (db.size() == 0) {
                continue;
            }
            out.command(new byte[][]{SELECT, ascii(Integer.toString(i))});
            long now = db.now();
            db.forEach(e -> {
                if (e.expireAt() != Entry.NO_EXPIRY && e.expireAt() < now) {
                    return;
                }
                writeKey(out, e);
                if (e.expireAt() != Entry.NO_EXPIRY) {
                    out.command(new byte[][]{PEXPIREAT, e.key(), ascii(Long.toString(e.expireAt()))});
                }
            });
        }
        return out.toByteArray();
    }

    private static void writeKey(RespBuffer out, Entry e) {
        byte[] key = e.key();
        Object v = e.value();
        if (v instanceof byte[] s) {
            out.command(new byte[][]{SET, key, s});
        } else if (v instanceof ListValue l) {
            List<byte[]> items = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                items.add(l.get(i));
            }
            batches(out, RPUSH, key, items);
        } else if (v instanceof SetValue s) {
            batches(out, SADD, key, s.members());
        } else if (v instanceof ZSetValue z) {
            List<byte[]> items = new ArrayList<>(z.size() * 2);
            z.forEach((member, score) -> {
                items.add(ascii(RedisDoubles.format(score)));
                items.add(member);
            });
            pairBatches(out, ZADD, key, items);
        } else if (v instanceof HashValue h) {
            List<byte[]> items = new ArrayList<>(h.size() * 2);
            h.forEach((field, value) -> {
                items.add(field);
                items.add(value);
            });
            pairBatches(out, HMSET, key, items);
        } else {
            throw new IllegalStateException("Unknown value type " + v.getClass().getSimpleName());
        }
    }

    private static void batches(RespBuffer out, byte[] cmd, byte[] key, List<byte[]> items) {
        for (int i = 0; i < items.size(); i += ITEMS_PER_CMD) {
            int n = Math.min(ITEMS_PER_CMD, items.size() - i);
            out.arrayHeader(2 + n);
            out.bulk(cmd);
            out.bulk(key);
            for (int j = 0; j < n; j++) {
                out.bulk(items.get(i + j));
            }
        }
    }

    /** Items are pairs (score member / field value); a batch holds up to ITEMS_PER_CMD pairs. */
    private static void pairBatches(RespBuffer out, byte[] cmd, byte[] key, List<byte[]> items) {
        int pairs = items.size() / 2;
        for (int i = 0; i < pairs; i += ITEMS_PER_CMD) {
            int n = Math.min(ITEMS_PER_CMD, pairs - i);
            out.arrayHeader(2 + 2 * n);
            out.bulk(cmd);
            out.bulk(key);
            for (int j = 0; j < 2 * n; j++) {
                out.bulk(items.get(2 * i + j));
            }
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
