package io.mnemos.persistence;

import io.mnemos.protocol.RespBuffer;

import io.mnemos.protocol.RedisDoubles;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;
import io.mnemos.store.HashValue;
import io.mnemos.store.ListValue;
import io.mnemos.store.SetValue;
import io.mnemos.store.StreamGroup;
import io.mnemos.store.StreamId;
import io.mnemos.store.StreamValue;
import io.mnemos.store.ZSetValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * rewriteAppendOnlyFileRio: an AOF base in command format (aof-use-rdb-preamble no), the keyspace
 * as the shortest AOF that rebuilds it. Per database SELECT, then per key SET / RPUSH / SADD / ZADD
 * / HMSET in batches of {@value #ITEMS_PER_CMD} items (AOF_REWRITE_ITEMS_PER_CMD) and PEXPIREAT for
 * volatile keys. Keys already expired when the rewrite started are skipped.
 *
 * <p>Fed by {@link SnapshotJob} like an {@link RdbFile}: commands are encoded into a buffer on the
 * keyspace thread and handed to the temporary file every {@value #CHUNK} bytes.
 */
public final class AofRewriter extends SnapshotFile {
    static final int ITEMS_PER_CMD = 64;
    private static final int CHUNK = 64 * 1024;
    /** A RESP buffer grown past this by a burst of writes is dropped once written (AOF and rewrite). */
    static final int KEPT_BYTES = 4 * 1024 * 1024;
    private static final byte[] SELECT = ascii("SELECT");
    private static final byte[] SET = ascii("SET");
    private static final byte[] RPUSH = ascii("RPUSH");
    private static final byte[] SADD = ascii("SADD");
    private static final byte[] ZADD = ascii("ZADD");
    private static final byte[] HMSET = ascii("HMSET");
    private static final byte[] XADD = ascii("XADD");
    private static final byte[] PEXPIREAT = ascii("PEXPIREAT");
    private static final byte[] FUNCTION = ascii("FUNCTION");
    private static final byte[] LOAD = ascii("LOAD");

    private final RespBuffer out = new RespBuffer(2 * CHUNK, KEPT_BYTES);
    private final long now;
    private int selected = -1;

    /**
     * A base named {@code filename} in {@code dir}, written to {@code tempName} first. It starts
     * with a FUNCTION LOAD per library, as rewriteFunctions writes them before the keys.
     */
    public AofRewriter(Path dir, String filename, String tempName, List<byte[]> functions) throws IOException {
        super(dir, filename, tempName);
        this.now = System.currentTimeMillis();
        for (byte[] code : functions) {
            out.command(new byte[][]{FUNCTION, LOAD, code});
        }
    }

    @Override
    public PointInTimeSnapshot.Sink sink(Keyspace keyspace) {
        return new PointInTimeSnapshot.Sink() {
            @Override
            public void beginDb(int db, long size, long expires) {
                // SELECT comes with the first key written (entries of a later database may come early).
            }

            @Override
            public void entry(int db, Entry e) {
                byte[] key = e.key();
                long expireAt = e.expireAt();
                if (expireAt != Entry.NO_EXPIRY && expireAt < now) {
                    return;
                }
                if (db != selected) {
                    out.command(new byte[][]{SELECT, ascii(Integer.toString(db))});
                    selected = db;
                }
                writeKey(out, key, e.value());
                if (expireAt != Entry.NO_EXPIRY) {
                    out.command(new byte[][]{PEXPIREAT, key, ascii(Long.toString(expireAt))});
                }
                if (out.length() >= CHUNK) {
                    drain();
                }
            }
        };
    }

    private void drain() {
        try {
            file.stream().write(out.array(), 0, out.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.clear();
    }

    @Override
    public void finishBuffers() {
        drain();
    }

    private static void writeKey(RespBuffer out, byte[] key, Object v) {
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
        } else if (v instanceof StreamValue st) {
            writeStream(out, key, st);
        } else {
            throw new IllegalStateException("Unknown value type " + v.getClass().getSimpleName());
        }
    }

    /**
     * rewriteStreamObject: an XADD per entry (for an empty stream "XADD key MAXLEN 0 0-1 x y", which
     * leaves it empty), then XSETID with the last ID, entries added and max deleted entry ID.
     */
    private static void writeStream(RespBuffer out, byte[] key, StreamValue s) {
        if (s.length() > 0) {
            StreamValue.Cursor cur = s.cursor(null, null, false);
            for (StreamId id = cur.next(); id != null; id = cur.next()) {
                byte[][] argv = new byte[3 + (int) cur.fieldCount() * 2][];
                argv[0] = XADD;
                argv[1] = key;
                argv[2] = id.toBytes();
                for (int i = 3; i < argv.length; i += 2) {
                    cur.nextField();
                    argv[i] = cur.field();
                    argv[i + 1] = cur.value();
                }
                out.command(argv);
            }
        } else {
            out.command(new byte[][]{XADD, key, ascii("MAXLEN"), ascii("0"), ascii("0-1"), ascii("x"), ascii("y")});
        }
        out.command(new byte[][]{ascii("XSETID"), key, s.lastId().toBytes(), ascii("ENTRIESADDED"),
            ascii(Long.toString(s.entriesAdded())), ascii("MAXDELETEDID"), s.maxDeletedId().toBytes()});
        // The groups: XGROUP CREATE, then per consumer an XCLAIM per pending entry (or, for a
        // consumer without any, XGROUP CREATECONSUMER).
        for (java.util.Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            byte[] group = ge.getKey();
            StreamGroup g = ge.getValue();
            out.command(new byte[][]{ascii("XGROUP"), ascii("CREATE"), key, group, g.lastId.toBytes(),
                ascii("ENTRIESREAD"), ascii(Long.toString(g.entriesRead))});
            for (StreamGroup.Consumer consumer : g.consumers.values()) {
                if (consumer.pel.isEmpty()) {
                    out.command(new byte[][]{ascii("XGROUP"), ascii("CREATECONSUMER"), key, group, consumer.name});
                    continue;
                }
                for (java.util.Map.Entry<StreamId, StreamGroup.Nack> pe : consumer.pel.entrySet()) {
                    out.command(new byte[][]{ascii("XCLAIM"), key, group, consumer.name, ascii("0"),
                        pe.getKey().toBytes(), ascii("TIME"), ascii(Long.toString(pe.getValue().deliveryTime)),
                        ascii("RETRYCOUNT"), ascii(Long.toString(pe.getValue().deliveryCount)), ascii("JUSTID"),
                        ascii("FORCE")});
                }
            }
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
