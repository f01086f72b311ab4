package io.mnemos.persistence;

import io.mnemos.server.ServerConfig;

/** The listpack/intset limits loaded values are built with (the server's current configuration). */
public record EncodingLimits(long hashMaxEntries, long hashMaxValue, int setMaxIntsetEntries,
                             int zsetMaxEntries, int zsetMaxValue, int listFill) {
    public static final EncodingLimits DEFAULT = new EncodingLimits(512, 64, 512, 128, 64, -2);

    public static EncodingLimits of(ServerConfig c) {
        return new EncodingLimits(c.hashMaxListpackEntries, c.hashMaxListpackValue, c.setMaxIntsetEntries,
                c.zsetMaxListpackEntries, c.zsetMaxListpackValue, c.listFill());
    }
}
