package io.mnemos.persistence;

import io.mnemos.store.HashValue;
import io.mnemos.store.ListValue;
import io.mnemos.store.SetValue;
import io.mnemos.store.StreamGroup;
import io.mnemos.store.StreamId;
import io.mnemos.store.StreamValue;
import io.mnemos.store.ZSetValue;
import io.mnemos.util.Numbers;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RDB files of versions 1 to 10 and DUMP payloads: every opcode Redis 7.0 writes and every
 * value encoding Redis has used for the types Mnemos has (plain, ziplist, quicklist, quicklist 2,
 * listpack, intset, zipmap), and function libraries. Streams and modules in a file are refused with a
 * clear error; FUNCTION RESTORE's payload is read by {@link #readPayloadFunctions}.
 */
public final class RdbReader {
    /** Receives what the file holds. */
    public interface Target {
        default void aux(byte[] key, byte[] value) {
        }

        default void resizeDb(int db, long size, long expires) {
        }

        /** @param expireAt absolute Unix ms, or -1 */
        void entry(int db, byte[] key, Object value, long expireAt);

        /**
         * An entry with what the IDLE and FREQ opcodes before it said (Redis writes IDLE under an
         * LRU maxmemory-policy, FREQ under an LFU one): idle seconds and LFU counter, -1 when absent.
         */
        default void entry(int db, byte[] key, Object value, long expireAt, long idleSeconds, int freq) {
            entry(db, key, value, expireAt);
        }

        /**
         * A function library's code (RDB_OPCODE_FUNCTION2), in file order before the keys.
         *
         * @throws RdbFormatException when the library cannot be created
         */
        default void function(byte[] code) {
            throw new RdbFormatException("The RDB file contains functions, which this reader does not take");
        }

        /** The EOF opcode was read and the checksum verified: the last entry has been handed over. */
        default void end() {
        }
    }

    private final RdbInput in;
    private final EncodingLimits limits;

    private RdbReader(RdbInput in, EncodingLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    /**
     * Loads a whole RDB stream. {@code verifyChecksum}: rdbchecksum; a stored checksum of zero
     * (written with rdbchecksum no) is never checked, as in Redis.
     *
     * @return the bytes the RDB took, up to its checksum (an old-style AOF continues after them)
     * @throws RdbFormatException for anything wrong with the data, truncation included
     */
    public static long load(InputStream stream, EncodingLimits limits, boolean verifyChecksum, Target target) {
        RdbInput input = new RdbInput(stream);
        new RdbReader(input, limits).loadAll(verifyChecksum, target);
        return input.position();
    }

    private void loadAll(boolean verifyChecksum, Target target) {
        byte[] magic = in.read(9);
        String header = new String(magic, StandardCharsets.US_ASCII);
        if (!header.startsWith("REDIS")) {
            throw new RdbFormatException("Wrong signature trying to load DB from file");
        }
        int version;
        try {
            version = Integer.parseInt(header.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbFormatException("Wrong signature trying to load DB from file");
        }
        if (version < 1 || version > Rdb.VERSION) {
            throw new RdbFormatException("Can't handle RDB format version " + version);
        }
        int db = 0;
        long expireAt = -1;
        long idle = -1;
        int freq = -1;
        while (true) {
            int type = in.readByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME -> {
                    expireAt = (in.readIntLE() & 0xffffffffL) * 1000;
                    continue;
                }
                case Rdb.OPCODE_EXPIRETIME_MS -> {
                    expireAt = in.readLongLE();
                    continue;
                }
                case Rdb.OPCODE_FREQ -> {
                    freq = in.readByte();
                    continue;
                }
                case Rdb.OPCODE_IDLE -> {
                    idle = readLength();
                    continue;
                }
                case Rdb.OPCODE_EOF -> {
                    long computed = in.crc();
                    if (version >= 5) {
                        long stored = in.readLongLE();
                        if (verifyChecksum && stored != 0 && stored != computed) {
                            throw new RdbFormatException(String.format(
                                    "Wrong RDB checksum expected: (%x) got: (%x)", computed, stored));
                        }
                    }
                    target.end();
                    return;
                }
                case Rdb.OPCODE_SELECTDB -> {
                    long id = readLength();
                    if (id < 0 || id > Integer.MAX_VALUE) {
                        throw new RdbFormatException("FATAL: Data file was created with a Redis server configured "
                                + "to handle more than " + Integer.MAX_VALUE + " databases. Exiting");
                    }
                    db = (int) id;
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB -> {
                    long size = readLength();
                    long expires = readLength();
                    target.resizeDb(db, size, expires);
                    continue;
                }
                case Rdb.OPCODE_AUX -> {
                    byte[] k = readString();
                    byte[] v = readString();
                    target.aux(k, v);
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX -> throw new RdbFormatException(
                        "The RDB file contains module AUX data, Mnemos has no modules");
                case Rdb.OPCODE_FUNCTION -> throw new RdbFormatException(
                        "Pre-release function format not supported.");
                case Rdb.OPCODE_FUNCTION2 -> {
                    target.function(readString());
                    continue;
                }
                default -> {
                }
            }
            byte[] key = readString();
            Object value = readObject(type);
            target.entry(db, key, value, expireAt, idle, freq);
            expireAt = -1;
            idle = -1;
            freq = -1;
        }
    }

    /** Reads a DUMP payload's value (type byte and value; the footer is checked by the caller). */
    public static Object readPayloadValue(byte[] payload, int length, EncodingLimits limits) {
        RdbInput input = new RdbInput(payload, length);
        RdbReader r = new RdbReader(input, limits);
        Object value = r.readObject(input.readByte());
        if (input.position() != length) {
            throw new RdbFormatException("Bad data format");
        }
        return value;
    }

    /**
     * The library codes of a FUNCTION DUMP payload whose footer was verified, as functionRestoreCommand
     * reads them: RDB_OPCODE_FUNCTION2 and the code as an RDB string, up to the 10-byte footer.
     *
     * @throws RdbFormatException with Redis's FUNCTION RESTORE error text
     */
    public static List<byte[]> readPayloadFunctions(byte[] payload) {
        int end = payload.length - 10;
        RdbInput input = new RdbInput(payload, payload.length);
        RdbReader r = new RdbReader(input, null);
        List<byte[]> codes = new ArrayList<>();
        while (input.position() < end) {
            int type = input.readByte();
            if (type == Rdb.OPCODE_FUNCTION) {
                throw new RdbFormatException("Pre-GA function format not supported");
            }
            if (type != Rdb.OPCODE_FUNCTION2) {
                throw new RdbFormatException("given type is not a function");
            }
            try {
                codes.add(r.readString());
            } catch (RuntimeException e) {
                // rdbFunctionLoad: whatever stops the string from loading (truncation, bad LZF data).
                throw new RdbFormatException("Failed loading library payload");
            }
        }
        return codes;
    }

    // ------------------------------------------------------------------ primitives

    /** rdbLoadLen; -1 never returned: encoded values are refused where a length is expected. */
    private long readLength() {
        int b = in.readByte();
        int kind = b >> 6;
        if (kind == 0) {
            return b & 0x3f;
        } else if (kind == 1) {
            return ((long) (b & 0x3f) << 8) | in.readByte();
        } else if (b == 0x80) {
            return ((long) in.readByte() << 24) | ((long) in.readByte() << 16) | ((long) in.readByte() << 8)
                    | in.readByte();
        } else if (b == 0x81) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | in.readByte();
            }
            return v;
        }
        throw new RdbFormatException("Unknown length encoding " + b + " in rdbLoadLen()");
    }

    private int readCount() {
        long n = readLength();
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new RdbFormatException("Length " + n + " is out of range");
        }
        return (int) n;
    }

    /** rdbGenericLoadStringObject: raw, integer-encoded or LZF. */
    byte[] readString() {
        int b = in.readByte();
        if ((b >> 6) == 3) {
            switch (b & 0x3f) {
                case Rdb.ENC_INT8:
                    return Numbers.toBytes((byte) in.readByte());
                case Rdb.ENC_INT16: {
                    int v = in.readByte() | (in.readByte() << 8);
                    return Numbers.toBytes((short) v);
                }
                case Rdb.ENC_INT32:
                    return Numbers.toBytes(in.readIntLE());
                case Rdb.ENC_LZF: {
                    int clen = readCount();
                    int len = readCount();
                    byte[] c = in.read(clen);
                    try {
                        return io.mnemos.util.Lzf.decompress(c, 0, c.length, len);
                    } catch (IllegalArgumentException e) {
                        throw new RdbFormatException(e.getMessage());
                    }
                }
                default:
                    throw new RdbFormatException("Unknown RDB string encoding type " + (b & 0x3f));
            }
        }
        long len;
        if ((b >> 6) == 0) {
            len = b & 0x3f;
        } else if ((b >> 6) == 1) {
            len = ((long) (b & 0x3f) << 8) | in.readByte();
        } else if (b == 0x80) {
            len = ((long) in.readByte() << 24) | ((long) in.readByte() << 16) | ((long) in.readByte() << 8)
                    | in.readByte();
        } else if (b == 0x81) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | in.readByte();
            }
        } else {
            throw new RdbFormatException("Unknown length encoding " + b + " in rdbLoadLen()");
        }
        if (len < 0 || len > Integer.MAX_VALUE - 8) {
            throw new RdbFormatException("String of " + len + " bytes is too long");
        }
        return in.read((int) len);
    }

    /** rdbLoadDoubleValue (RDB_TYPE_ZSET): a length-prefixed decimal, or nan/inf markers. */
    private double readOldDouble() {
        int len = in.readByte();
        switch (len) {
            case 253:
                return Double.NaN;
            case 254:
                return Double.POSITIVE_INFINITY;
            case 255:
                return Double.NEGATIVE_INFINITY;
            default:
                return parseDouble(in.read(len));
        }
    }

    private static double parseDouble(byte[] s) {
        try {
            String text = new String(s, StandardCharsets.US_ASCII).trim();
            return switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
                case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        } catch (NumberFormatException e) {
            throw new RdbFormatException("Invalid score in RDB");
        }
    }

    // ------------------------------------------------------------------ objects

    private Object readObject(int type) {
        switch (type) {
            case Rdb.TYPE_STRING:
                return readString();
            case Rdb.TYPE_LIST: {
                int n = readCount();
                ListValue list = new ListValue(limits.listFill());
                for (int i = 0; i < n; i++) {
                    list.pushTail(readString()); // quicklistPushTail, node by node
                }
                return nonEmpty(list, list.size());
            }
            case Rdb.TYPE_SET: {
                int n = readCount();
                SetValue set = null;
                for (int i = 0; i < n; i++) {
                    byte[] m = readString();
                    if (set == null) {
                        set = n > limits.setMaxIntsetEntries() ? SetValue.hashtable() : SetValue.createFor(m);
                    }
                    if (!set.add(m, limits.setMaxIntsetEntries())) {
                        throw new RdbFormatException("Duplicate set members detected");
                    }
                }
                return nonEmpty(set, n);
            }
            case Rdb.TYPE_ZSET, Rdb.TYPE_ZSET_2: {
                int n = readCount();
                if (n > limits.zsetMaxEntries()) {
                    ZSetValue z = ZSetValue.skiplist();
                    for (int i = 0; i < n; i++) {
                        addZset(z, readString(), readZsetScore(type));
                    }
                    return nonEmpty(z, n);
                }
                // Redis loads a skiplist and packs it afterwards only if it fits: a value that does
                // not never passes through a listpack, which would turn a -0 score into 0. Few
                // enough members to pack are read first, to see their lengths.
                byte[][] members = new byte[n][];
                double[] scores = new double[n];
                long longest = 0;
                for (int i = 0; i < n; i++) {
                    members[i] = readString();
                    scores[i] = readZsetScore(type);
                    longest = Math.max(longest, members[i].length);
                }
                ZSetValue z = ZSetValue.create(n, longest, limits.zsetMaxEntries(), limits.zsetMaxValue());
                for (int i = 0; i < n; i++) {
                    addZset(z, members[i], scores[i]);
                }
                return nonEmpty(z, n);
            }
            case Rdb.TYPE_HASH: {
                int n = readCount();
                HashValue h = new HashValue();
                for (int i = 0; i < n; i++) {
                    byte[] f = readString();
                    byte[] v = readString();
                    addHash(h, f, v, limits.hashMaxValue());
                }
                return nonEmpty(h, n);
            }
            case Rdb.TYPE_HASH_ZIPMAP:
                return hashOf(PackedEncodings.zipmap(readString()), limits.hashMaxValue());
            case Rdb.TYPE_HASH_ZIPLIST:
                return hashOf(PackedEncodings.ziplist(readString()), Long.MAX_VALUE);
            case Rdb.TYPE_HASH_LISTPACK:
                return hashOf(PackedEncodings.listpack(readString()), Long.MAX_VALUE);
            case Rdb.TYPE_LIST_ZIPLIST: {
                ListValue list = new ListValue(limits.listFill());
                for (byte[] e : PackedEncodings.ziplist(readString())) {
                    list.appendLoaded(e); // one node, converted to a listpack
                }
                return nonEmpty(list, list.size());
            }
            case Rdb.TYPE_LIST_QUICKLIST, Rdb.TYPE_LIST_QUICKLIST_2: {
                int nodes = readCount();
                ListValue list = new ListValue(limits.listFill());
                int loadedNodes = 0; // Redis skips empty ones
                for (int i = 0; i < nodes; i++) {
                    int container = Rdb.QUICKLIST_NODE_PACKED;
                    if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
                        container = (int) readLength();
                        if (container != Rdb.QUICKLIST_NODE_PACKED && container != Rdb.QUICKLIST_NODE_PLAIN) {
                            throw new RdbFormatException("Quicklist integrity check failed.");
                        }
                    }
                    byte[] blob = readString();
                    if (container == Rdb.QUICKLIST_NODE_PLAIN) {
                        list.appendLoaded(blob);
                        list.loadedNodes(2); // a plain node never shares: written back plain
                        loadedNodes++;
                        continue;
                    }
                    List<byte[]> items = type == Rdb.TYPE_LIST_QUICKLIST
                            ? PackedEncodings.ziplist(blob) : PackedEncodings.listpack(blob);
                    for (byte[] e : items) {
                        list.appendLoaded(e);
                    }
                    loadedNodes += items.isEmpty() ? 0 : 1;
                }
                list.loadedNodes(loadedNodes);
                return nonEmpty(list, list.size());
            }
            case Rdb.TYPE_SET_INTSET: {
                byte[] blob = readString();
                long[] ints = PackedEncodings.intset(blob);
                SetValue set = ints.length > limits.setMaxIntsetEntries() ? SetValue.hashtable() : SetValue.intset();
                for (long v : ints) {
                    set.add(Numbers.toBytes(v), limits.setMaxIntsetEntries());
                }
                set.widenIntset(blob[0]); // the header's width (little-endian 2, 4 or 8, checked above)
                return nonEmpty(set, ints.length);
            }
            case Rdb.TYPE_SET_LISTPACK: {
                List<byte[]> items = PackedEncodings.listpack(readString());
                SetValue set = null;
                for (byte[] m : items) {
                    if (set == null) {
                        set = items.size() > limits.setMaxIntsetEntries() ? SetValue.hashtable() : SetValue.createFor(m);
                    }
                    if (!set.add(m, limits.setMaxIntsetEntries())) {
                        throw new RdbFormatException("Duplicate set members detected");
                    }
                }
                return nonEmpty(set, items.size());
            }
            case Rdb.TYPE_ZSET_ZIPLIST, Rdb.TYPE_ZSET_LISTPACK: {
                List<byte[]> items = type == Rdb.TYPE_ZSET_ZIPLIST
                        ? PackedEncodings.ziplist(readString()) : PackedEncodings.listpack(readString());
                if (items.size() % 2 != 0) {
                    throw new RdbFormatException("Zset ziplist integrity check failed.");
                }
                int n = items.size() / 2;
                ZSetValue z = n > limits.zsetMaxEntries() ? ZSetValue.skiplist() : ZSetValue.listpack();
                for (int i = 0; i < items.size(); i += 2) {
                    double score = parseDouble(items.get(i + 1));
                    if (Double.isNaN(score)) {
                        throw new RdbFormatException("Zset with NAN score detected");
                    }
                    addZset(z, items.get(i), score);
                }
                return nonEmpty(z, n);
            }
            case Rdb.TYPE_STREAM_LISTPACKS, Rdb.TYPE_STREAM_LISTPACKS_2:
                return readStream(type);
            case Rdb.TYPE_STREAM_LISTPACKS_3:
                throw new RdbFormatException("Unknown RDB encoding type " + type);
            case Rdb.TYPE_MODULE, Rdb.TYPE_MODULE_2:
                throw new RdbFormatException("The RDB file contains module data, Mnemos has no modules");
            default:
                throw new RdbFormatException("Unknown RDB encoding type " + type);
        }
    }

    /**
     * rdbLoadObject of a stream: the nodes (each a 16-byte master ID and a listpack, checked whole),
     * the length and IDs, and for RDB_TYPE_STREAM_LISTPACKS (Redis 5 and 6) the metadata 7.0 derives:
     * entries added = length, no tombstone, first ID from the nodes.
     */
    private StreamValue readStream(int type) {
        StreamValue s = new StreamValue();
        long nodes = readLength();
        while (nodes-- > 0) {
            byte[] key = readString();
            if (key.length != 16) {
                throw new RdbFormatException("Stream node key entry is not the size of a stream ID");
            }
            byte[] lp = readString();
            if (!io.mnemos.store.RedisListpack.valid(lp)) {
                throw new RdbFormatException("Stream listpack integrity check failed.");
            }
            if (io.mnemos.store.RedisListpack.first(lp) == -1) {
                throw new RdbFormatException("Empty listpack inside stream");
            }
            java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(key);
            if (!s.loadNode(new StreamId(k.getLong(), k.getLong()), lp)) {
                throw new RdbFormatException("Listpack re-added with existing key");
            }
        }
        s.setLength(readLength());
        StreamId last = readId();
        if (type == Rdb.TYPE_STREAM_LISTPACKS_2) {
            StreamId first = readId();
            StreamId maxDeleted = readId();
            s.setMetadata(last, first, maxDeleted, readLength());
        } else {
            s.setMetadata(last, s.edgeId(true, true), StreamId.MIN, s.length());
        }
        if (s.length() != 0 && s.nodeCount() == 0) {
            throw new RdbFormatException("Stream length inconsistent with rax entries");
        }
        long groups = readLength();
        while (groups-- > 0) {
            byte[] name = readString();
            StreamId lastId = readId();
            long entriesRead = type == Rdb.TYPE_STREAM_LISTPACKS_2 ? readLength()
                    : s.estimateDistanceFromFirstEverEntry(lastId);
            StreamGroup g = s.createGroup(name, lastId, entriesRead);
            if (g == null) {
                throw new RdbFormatException("Duplicated consumer group name " + new String(name,
                        StandardCharsets.UTF_8));
            }
            // The group PEL first, owners unknown until the consumers' PELs name them.
            long pelSize = readLength();
            while (pelSize-- > 0) {
                StreamId id = rawId();
                StreamGroup.Nack n = new StreamGroup.Nack(null, in.readLongLE());
                n.deliveryCount = readLength();
                if (g.pel.putIfAbsent(id, n) != null) {
                    throw new RdbFormatException("Duplicated global PEL entry loading stream consumer group");
                }
            }
            long consumers = readLength();
            while (consumers-- > 0) {
                byte[] cname = readString();
                StreamGroup.Consumer consumer = g.createConsumer(cname, 0);
                if (consumer == null) {
                    throw new RdbFormatException("Duplicate stream consumer detected.");
                }
                consumer.seenTime = in.readLongLE();
                long owned = readLength();
                while (owned-- > 0) {
                    StreamId id = rawId();
                    StreamGroup.Nack n = g.pel.get(id);
                    if (n == null) {
                        throw new RdbFormatException("Consumer entry not found in group global PEL");
                    }
                    n.consumer = consumer;
                    if (consumer.pel.putIfAbsent(id, n) != null) {
                        throw new RdbFormatException("Duplicated consumer PEL entry  loading a stream consumer "
                                + "group");
                    }
                }
            }
            for (StreamGroup.Nack n : g.pel.values()) {
                if (n.consumer == null) {
                    throw new RdbFormatException("Stream CG PEL entry without consumer");
                }
            }
        }
        return s;
    }

    private StreamId rawId() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(in.read(16));
        return new StreamId(b.getLong(), b.getLong());
    }

    private StreamId readId() {
        long ms = readLength();
        return new StreamId(ms, readLength());
    }

    private static <T> T nonEmpty(T value, int size) {
        if (value == null || size == 0) {
            throw new RdbFormatException("Empty keys are not allowed in RDB files");
        }
        return value;
    }

    private double readZsetScore(int type) {
        double score = type == Rdb.TYPE_ZSET_2 ? Double.longBitsToDouble(in.readLongLE()) : readOldDouble();
        if (Double.isNaN(score)) {
            throw new RdbFormatException("Zset with NAN score detected");
        }
        return score;
    }

    /**
     * Adds a loaded member; the caller has chosen the encoding already. Members' lengths never
     * unpack it: a packed RDB value stays packed whatever they are (Redis checks only its entry
     * count, the rest would cost a scan), and an unpacked one is packed only if all of them fit.
     */
    private void addZset(ZSetValue z, byte[] member, double score) {
        int before = z.size();
        z.put(member, score, limits.zsetMaxEntries(), Integer.MAX_VALUE);
        if (z.size() == before) {
            throw new RdbFormatException("Duplicate zset fields detected");
        }
    }

    /** {@code maxValue}: the length that unpacks the hash, checked for an unpacked RDB hash and a zipmap only. */
    private void addHash(HashValue h, byte[] field, byte[] value, long maxValue) {
        if (!h.set(field, value, limits.hashMaxEntries(), maxValue)) {
            throw new RdbFormatException("Duplicate hash fields detected");
        }
    }

    private HashValue hashOf(List<byte[]> items, long maxValue) {
        if (items.size() % 2 != 0) {
            throw new RdbFormatException("Hash ziplist integrity check failed.");
        }
        HashValue h = new HashValue();
        for (int i = 0; i < items.size(); i += 2) {
            addHash(h, items.get(i), items.get(i + 1), maxValue);
        }
        return nonEmpty(h, items.size() / 2);
    }
}
