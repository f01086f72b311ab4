package io.mnemos.persistence;

import java.util.List;

/**
 * DUMP's serialization format: the value as RDB writes it (type byte and value), then the RDB
 * version as two little-endian bytes and the CRC64 of everything before, little-endian.
 */
public final class DumpPayload {
    private DumpPayload() {
    }

    public static byte[] create(Object value, boolean compress) {
        RdbWriter w = RdbWriter.inMemory(compress);
        w.writeByte(RdbWriter.typeOf(value));
        w.writeValue(value);
        return withFooter(w);
    }

    /**
     * FUNCTION DUMP's payload (rdbSaveFunctions into a buffer): per library RDB_OPCODE_FUNCTION2 and
     * its code as an RDB string, then the same footer as DUMP.
     */
    public static byte[] ofFunctions(Iterable<byte[]> codes, boolean compress) {
        RdbWriter w = RdbWriter.inMemory(compress);
        w.functions(codes);
        return withFooter(w);
    }

    private static byte[] withFooter(RdbWriter w) {
        w.writeByte(Rdb.VERSION & 0xff);
        w.writeByte((Rdb.VERSION >> 8) & 0xff);
        w.writeLongLE(w.currentCrc());
        return w.toByteArray();
    }

    /** verifyDumpPayload: long enough, a version this server reads, and a matching checksum. */
    public static boolean verify(byte[] p) {
        if (p.length < 10) {
            return false;
        }
        int footer = p.length - 10;
        int version = (p[footer] & 0xff) | ((p[footer + 1] & 0xff) << 8);
        if (version > Rdb.VERSION) {
            return false;
        }
        long crc = Crc64.of(p, 0, p.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (long) (p[footer + 2 + i] & 0xff) << (8 * i);
        }
        return crc == stored;
    }

    /** The value of a verified payload. */
    public static Object value(byte[] p, EncodingLimits limits) {
        return RdbReader.readPayloadValue(p, p.length - 10, limits);
    }

    /** The library codes of a verified FUNCTION DUMP payload; see {@link RdbReader#readPayloadFunctions}. */
    public static List<byte[]> functions(byte[] p) {
        return RdbReader.readPayloadFunctions(p);
    }
}
