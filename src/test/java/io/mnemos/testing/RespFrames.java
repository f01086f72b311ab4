package io.mnemos.testing;

/**
 * Splits raw output into top-level RESP2/RESP3 values by their headers, the way a client reads it:
 * an aggregate header that promises more (or fewer) elements than were written desynchronizes every
 * later reply, so tests check that a command wrote whole values and only as many as it should.
 */
public final class RespFrames {
    private final byte[] data;
    private int pos;

    private RespFrames(byte[] data) {
        this.data = data;
    }

    /** The number of complete top-level values; throws if the output ends inside a value. */
    public static int count(byte[] output) {
        RespFrames frames = new RespFrames(output);
        int n = 0;
        while (frames.pos < output.length) {
            // An attribute (|) describes the value after it and is not a reply of its own.
            boolean attribute = output[frames.pos] == '|';
            frames.value();
            if (!attribute) {
                n++;
            }
        }
        return n;
    }

    private void value() {
        char type = (char) data[pos];
        long header = switch (type) {
            case '$', '=', '!', '*', '~', '>', '%', '|' -> Long.parseLong(line().substring(1));
            case '+', '-', ':', '_', ',', '#', '(' -> {
                line();
                yield 0;
            }
            default -> throw new IllegalStateException("not a RESP type byte '" + type + "' at offset " + pos);
        };
        switch (type) {
            case '$', '=', '!' -> {
                if (header >= 0) {
                    require(pos + header + 2 <= data.length, "bulk of " + header + " bytes");
                    pos += (int) header + 2;
                }
            }
            case '*', '~', '>' -> {
                for (long i = 0; i < header; i++) {
                    value();
                }
            }
            case '%', '|' -> {
                for (long i = 0; i < 2 * header; i++) {
                    value();
                }
            }
            default -> {
            }
        }
    }

    private String line() {
        int start = pos;
        while (pos + 1 < data.length && !(data[pos] == '\r' && data[pos + 1] == '\n')) {
            pos++;
        }
        require(pos + 1 < data.length, "line");
        String line = new String(data, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        pos += 2;
        return line;
    }

    private void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("output ends inside a value (" + what + ") at offset " + pos);
        }
    }
}
