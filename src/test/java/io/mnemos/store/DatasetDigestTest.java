package io.mnemos.store;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** DEBUG DIGEST and DIGEST-VALUE: the digests below were printed by redis-server 7.0.15 for the same data. */
class DatasetDigestTest {
    private final CommandHarness h = new CommandHarness();

    @Test
    void anEmptyDatasetAndAMissingKeyDigestToZeros() {
        assertEquals("+" + DatasetDigest.ZERO + "\r\n", h.exec("DEBUG", "DIGEST"));
        assertEquals("*1\r\n+" + DatasetDigest.ZERO + "\r\n", h.exec("DEBUG", "DIGEST-VALUE", "nokey"));
        assertEquals("*0\r\n", h.exec("DEBUG", "DIGEST-VALUE"));
    }

    @Test
    void everyTypeDigestsAsRedisDoes() {
        h.exec("SET", "a", "1");
        assertEquals("+943d800368fb9c0e951138f1bc0e313ac769d91f\r\n", h.exec("DEBUG", "DIGEST"));
        assertEquals("*1\r\n+b4fc66738120fba0b5aa500ab5c2bf89cea1c5da\r\n", h.exec("DEBUG", "DIGEST-VALUE", "a"));
        h.exec("RPUSH", "l", "a", "b", "1");
        h.exec("SADD", "s", "x", "y", "3");
        h.exec("ZADD", "z", "1.5", "m", "0.1", "n");
        h.exec("HSET", "h", "f", "v", "g", "w");
        assertEquals("*4\r\n+981fd62c1655c074205cff40b800bd5a5bfdcd41\r\n+415a07507e2348d139f9fd645a024f6be569dd65\r\n"
                + "+56aefd71afb0522fef8daa67986cff8b8561fa6e\r\n+d127864ed50239662bf61bafc9bda63c17da5b37\r\n",
                h.exec("DEBUG", "DIGEST-VALUE", "l", "s", "z", "h"));
        h.exec("PEXPIRE", "a", "100000");
        assertEquals("*1\r\n+5279988c5d1911f474bcbbf2f0a87012d40f8459\r\n", h.exec("DEBUG", "DIGEST-VALUE", "a"));
        assertEquals("+91d5b273b9a74a23361eb1d24acb50349d97b225\r\n", h.exec("DEBUG", "DIGEST"));
    }

    @Test
    void encodingsAndInsertionOrderOfUnorderedTypesDoNotMatter() {
        h.exec("SADD", "packed", "1", "2", "3");
        h.exec("SADD", "spread", "3", "2", "1");
        h.exec("SADD", "spread", "x");
        h.exec("SREM", "spread", "x");
        assertEquals("intset", encoding("packed"));
        assertEquals("hashtable", encoding("spread"));
        String digests = h.exec("DEBUG", "DIGEST-VALUE", "packed", "spread");
        String[] lines = digests.split("\r\n");
        assertEquals(lines[1], lines[2]);
    }

    private String encoding(String key) {
        String reply = h.exec("OBJECT", "ENCODING", key);
        return reply.substring(reply.indexOf('\n') + 1, reply.length() - 2);
    }
}
