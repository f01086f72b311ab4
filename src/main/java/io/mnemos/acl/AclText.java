package io.mnemos.acl;

import java.nio.charset.StandardCharsets;

/** ACL names and patterns are binary-safe: kept as Latin-1 strings, one char per byte. */
public final class AclText {
    private AclText() {
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** ACLStringHasSpaces: isspace() or NUL. */
    public static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f' || c == 0) {
                return true;
            }
        }
        return false;
    }
}
