package io.mnemos.persistence;

/** lzf_decompress of Redis's liblzf: the counterpart of {@link io.mnemos.util.Lzf#compress}. */
public final class LzfDecoder {
    private LzfDecoder() {
    }

    /**
     * Decompresses {@code in} into exactly {@code outLen} bytes.
     *
     * @throws RdbFormatException when the data is not valid LZF of that length
     */
    public static byte[] decompress(byte[] in, int outLen) {
        byte[] out = new byte[outLen];
        int ip = 0;
        int op = 0;
        int inEnd = in.length;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) {
                ctrl++;
                if (op + ctrl > outLen || ip + ctrl > inEnd) {
                    throw new RdbFormatException("Invalid LZF compressed string");
                }
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else {
                int len = ctrl >> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inEnd) {
                    throw new RdbFormatException("Invalid LZF compressed string");
                }
                if (len == 7) {
                    len += in[ip++] & 0xff;
                    if (ip >= inEnd) {
                        throw new RdbFormatException("Invalid LZF compressed string");
                    }
                }
                ref -= in[ip++] & 0xff;
                len += 2;
                if (op + len > outLen || ref < 0) {
                    throw new RdbFormatException("Invalid LZF compressed string");
                }
                for (int k = 0; k < len; k++) {
                    out[op++] = out[ref++];
                }
            }
        }
        if (op != outLen) {
            throw new RdbFormatException("Invalid LZF compressed string");
        }
        return out;
    }
}
