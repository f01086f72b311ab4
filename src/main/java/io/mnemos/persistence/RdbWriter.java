package io.mnemos.persistence;

import io.mnemos.protocol.RedisDoubles;
import io.mnemos.store.HashValue;
import io.mnemos.store.ListValue;
import io.mnemos.store.SetValue;
import io.mnemos.store.StreamGroup;
import io.mnemos.store.StreamId;
import io.mnemos.store.StreamValue;
import io.mnemos.store.ZSetValue;
import io.mnemos.util.Numbers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the RDB format (version 10, as Redis 7.0) into a buffer that is flushed to an output
 * stream, or kept in memory when there is none (DUMP). The CRC64 of everything written is kept
 * as Redis's rio does with rdbchecksum yes.
 *
 * <p>Values are written in the plain encodings every Redis since 2.x reads (RDB_TYPE_LIST, SET,
 * ZSET_2, HASH); Redis re-encodes them on load according to its own listpack/intset limits.
 */
public final class RdbWriter {
    private final OutputStream out;
    private final boolean compress;
    private final boolean checksum;
    private byte[] buf;
    private int pos;
    private io.mnemos.util.Lzf lzf;
    private long crc;
    private long written;

    /** Streams to {@code out} (null: keep everything in memory, see {@link #toByteArray()}). */
    public RdbWriter(OutputStream out, boolean compress, boolean checksum) {
        this.out = out;
        this.compress = compress;
        this.checksum = checksum;
        this.buf = new byte[out == null ? 256 : 1 << 16];
    }

    /** In-memory writer with compression on, for DUMP. */
    public static RdbWriter inMemory(boolean compress) {
        return new RdbWriter(null, compress, true);
    }

    // ------------------------------------------------------------------ file structure

    public void header() {
        writeRaw(("REDIS" + String.format("%04d", Rdb.VERSION)).getBytes(StandardCharsets.US_ASCII));
    }

    public void aux(String key, String value) {
        writeByte(Rdb.OPCODE_AUX);
        writeString(key.getBytes(StandardCharsets.UTF_8));
        writeString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** rdbSaveFunctions: per library RDB_OPCODE_FUNCTION2 and its code as an RDB string. */
    public void functions(Iterable<byte[]> codes) {
        for (byte[] code : codes) {
            writeByte(Rdb.OPCODE_FUNCTION2);
            writeString(code);
        }
    }

    public void selectDb(int db) {
        writeByte(Rdb.OPCODE_SELECTDB);
        writeLength(db);
    }

    public void resizeDb(long size, long expires) {
        writeByte(Rdb.OPCODE_RESIZEDB);
        writeLength(size);
        writeLength(expires);
    }

    /** One key: its expiry (if any), type, key and value, as rdbSaveKeyValuePair. */
    public void keyValue(byte[] key, Object value, long expireAt) {
        keyValue(key, value, expireAt, -1, -1);
    }

    /**
     * One key as rdbSaveKeyValuePair writes it: expiry, then the idle seconds (Redis writes them
     * under an LRU maxmemory-policy) or the LFU counter (under an LFU one), -1 for none, then type,
     * key and value.
     */
    public void keyValue(byte[] key, Object value, long expireAt, long idleSeconds, int freq) {
        if (expireAt >= 0) {
            writeByte(Rdb.OPCODE_EXPIRETIME_MS);
            writeLongLE(expireAt);
        }
        if (idleSeconds >= 0) {
            writeByte(Rdb.OPCODE_IDLE);
            writeLength(idleSeconds);
        }
        if (freq >= 0) {
            writeByte(Rdb.OPCODE_FREQ);
            writeByte(freq);
        }
        writeByte(typeOf(value));
        writeString(key);
        writeValue(value);
    }

    /** EOF opcode and the checksum (zero with rdbchecksum no); flushes the buffer. */
    public void finish() {
        writeByte(Rdb.OPCODE_EOF);
        long sum = checksum ? currentCrc() : 0;
        writeLongLE(sum);
        flush();
    }

    /** An intset as Redis keeps it: width and length (32-bit little-endian), then the members. */
    private static byte[] intsetBlob(SetValue set) {
        int width = set.intsetEncoding();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + set.size() * width)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(width).putInt(set.size());
        set.forEachInt(v -> {
            switch (width) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        });
        return b.array();
    }

    // ------------------------------------------------------------------ objects

    /** rdbSaveObjectType for the encodings this writer uses. */
    public static int typeOf(Object value) {
        if (value instanceof byte[]) {
            return Rdb.TYPE_STRING;
        } else if (value instanceof ListValue list) {
            return Rdb.TYPE_LIST_QUICKLIST_2;
        } else if (value instanceof SetValue set) {
            return set.isIntset() ? Rdb.TYPE_SET_INTSET : Rdb.TYPE_SET;
        } else if (value instanceof ZSetValue zset) {
            return zset.isListpack() ? Rdb.TYPE_ZSET_LISTPACK : Rdb.TYPE_ZSET_2;
        } else if (value instanceof HashValue hash) {
            return hash.isListpack() ? Rdb.TYPE_HASH_LISTPACK : Rdb.TYPE_HASH;
        } else if (value instanceof StreamValue) {
            return Rdb.TYPE_STREAM_LISTPACKS_2;
        }
        throw new IllegalArgumentException("No RDB type for " + value.getClass());
    }

    /** rdbSaveObject: the value without its type byte. */
    public void writeValue(Object value) {
        if (value instanceof byte[] s) {
            writeString(s);
        } else if (value instanceof ListValue list) {
            // Redis's quicklist: per node its container (packed) and its listpack as one string.
            int[] nodes = list.nodes().counts();
            writeLength(nodes.length);
            int next = 0;
            for (int count : nodes) {
                ListpackBuilder lp = new ListpackBuilder();
                for (int k = 0; k < count; k++) {
                    lp.append(list.get(next++));
                }
                writeLength(Rdb.QUICKLIST_NODE_PACKED);
                writeString(lp.build());
            }
        } else if (value instanceof SetValue set && set.isIntset()) {
            writeString(intsetBlob(set));
        } else if (value instanceof SetValue set) {
            writeLength(set.size());
            set.forEach(this::writeString);
        } else if (value instanceof ZSetValue zset && zset.isListpack()) {
            ListpackBuilder lp = new ListpackBuilder();
            zset.forEach((member, score) -> {
                lp.append(member);
                lp.append(RedisDoubles.formatListpackScore(score).getBytes(StandardCharsets.US_ASCII));
            });
            writeString(lp.build());
        } else if (value instanceof HashValue hash && hash.isListpack()) {
            ListpackBuilder lp = new ListpackBuilder();
            hash.forEach((field, v) -> {
                lp.append(field);
                lp.append(v);
            });
            writeString(lp.build());
        } else if (value instanceof ZSetValue zset) {
            // From the greatest to the smallest, as Redis walks its skiplist backwards here.
            writeLength(zset.size());
            zset.range(0, zset.size() - 1, true, (member, score) -> {
                writeString(member);
                writeLongLE(Double.doubleToRawLongBits(score));
            });
        } else if (value instanceof HashValue hash) {
            writeLength(hash.size());
            hash.forEach((field, v) -> {
                writeString(field);
                writeString(v);
            });
        } else if (value instanceof StreamValue stream) {
            writeStream(stream);
        } else {
            throw new IllegalArgumentException("No RDB encoding for " + value.getClass());
        }
    }

    /**
     * rdbSaveObject of a stream (RDB_TYPE_STREAM_LISTPACKS_2): the nodes as they are, each its
     * 16-byte big-endian master ID and its listpack; length, last ID, first ID, max deleted entry
     * ID and entries added; then the consumer groups.
     */
    private void writeStream(StreamValue s) {
        java.util.Map<StreamId, byte[]> nodes = s.nodes();
        writeLength(nodes.size());
        for (java.util.Map.Entry<StreamId, byte[]> node : nodes.entrySet()) {
            writeString(java.nio.ByteBuffer.allocate(16).putLong(node.getKey().ms()).putLong(node.getKey().seq())
                    .array());
            writeString(node.getValue());
        }
        writeLength(s.length());
        writeId(s.lastId());
        writeId(s.firstId());
        writeId(s.maxDeletedId());
        writeLength(s.entriesAdded());
        writeLength(s.groups().size());
        for (java.util.Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            StreamGroup g = ge.getValue();
            writeString(ge.getKey());
            writeId(g.lastId);
            writeLength(g.entriesRead);
            // rdbSaveStreamPEL with its NACKs, then each consumer with its own PEL of IDs only.
            writeLength(g.pel.size());
            for (java.util.Map.Entry<StreamId, StreamGroup.Nack> pe : g.pel.entrySet()) {
                writeRawId(pe.getKey());
                writeLongLE(pe.getValue().deliveryTime);
                writeLength(pe.getValue().deliveryCount);
            }
            writeLength(g.consumers.size());
            for (StreamGroup.Consumer consumer : g.consumers.values()) {
                writeString(consumer.name);
                writeLongLE(consumer.seenTime);
                writeLength(consumer.pel.size());
                for (StreamId id : consumer.pel.keySet()) {
                    writeRawId(id);
                }
            }
        }
    }

    /** A stream ID as Redis's rax key: 16 bytes, big-endian. */
    private void writeRawId(StreamId id) {
        writeRaw(java.nio.ByteBuffer.allocate(16).putLong(id.ms()).putLong(id.seq()).array());
    }

    private void writeId(StreamId id) {
        writeLength(id.ms());
        writeLength(id.seq());
    }

    // ------------------------------------------------------------------ primitives

    /** rdbSaveRawString: integer encoding, LZF (rdbcompression, more than 20 bytes) or raw. */
    public void writeString(byte[] s) {
        int len = s.length;
        if (len <= 11 && len > 0 && writeIntegerEncoded(s)) {
            return;
        }
        if (compress && len > 20) {
            byte[] c = lzf().compressWith(s, len - 4);
            if (c != null) {
                writeByte(0xC0 | Rdb.ENC_LZF);
                writeLength(c.length);
                writeLength(len);
                writeRaw(c);
                return;
            }
        }
        writeLength(len);
        writeRaw(s);
    }

    private io.mnemos.util.Lzf lzf() {
        if (lzf == null) {
            lzf = new io.mnemos.util.Lzf();
        }
        return lzf;
    }

    private boolean writeIntegerEncoded(byte[] s) {
        Long parsed = Numbers.string2ll(s);
        if (parsed == null) {
            return false;
        }
        long v = parsed;
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            ensure(2);
            buf[pos++] = (byte) (0xC0 | Rdb.ENC_INT8);
            buf[pos++] = (byte) v;
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            ensure(3);
            buf[pos++] = (byte) (0xC0 | Rdb.ENC_INT16);
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >> 8);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            ensure(5);
            buf[pos++] = (byte) (0xC0 | Rdb.ENC_INT32);
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >> 8);
            buf[pos++] = (byte) (v >> 16);
            buf[pos++] = (byte) (v >> 24);
        } else {
            return false;
        }
        return true;
    }

    /** rdbSaveLen. */
    /** rdbSaveLen; the length is unsigned (stream IDs use all 64 bits). */
    public void writeLength(long len) {
        ensure(9);
        if (len >= 0 && len < (1 << 6)) {
            buf[pos++] = (byte) len;
        } else if (len >= 0 && len < (1 << 14)) {
            buf[pos++] = (byte) (0x40 | (len >> 8));
            buf[pos++] = (byte) len;
        } else if (len >= 0 && len <= 0xffffffffL) {
            buf[pos++] = (byte) 0x80;
            buf[pos++] = (byte) (len >> 24);
            buf[pos++] = (byte) (len >> 16);
            buf[pos++] = (byte) (len >> 8);
            buf[pos++] = (byte) len;
        } else {
            buf[pos++] = (byte) 0x81;
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (len >> shift);
            }
        }
    }

    public void writeLongLE(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >> (8 * i));
        }
    }

    public void writeByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
    }

    public void writeRaw(byte[] b) {
        if (out != null && b.length > buf.length / 2) {
            flush();
            crc = Crc64.update(crc, b, 0, b.length);
            write(b, 0, b.length);
            return;
        }
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void ensure(int n) {
        if (pos + n <= buf.length) {
            return;
        }
        if (out == null) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        } else {
            flush();
        }
    }

    /** Checksum of everything written so far. */
    public long currentCrc() {
        return out == null ? Crc64.of(buf, 0, pos) : Crc64.update(crc, buf, 0, pos);
    }

    /** Bytes handed to the output stream so far plus those still buffered. */
    public long bytesWritten() {
        return written + pos;
    }

    /** Hands the buffer to the output stream. */
    public void flush() {
        if (out == null || pos == 0) {
            return;
        }
        if (checksum) {
            crc = Crc64.update(crc, buf, 0, pos);
        }
        write(buf, 0, pos);
        pos = 0;
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
            written += len;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The in-memory contents (no output stream). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
