package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Lua 5.1's pattern matching and case mapping (lstrlib.c as Redis builds it): string.find,
 * string.match, string.gmatch (and gfind), string.gsub, string.lower and string.upper.
 * LuaJ's are 5.2's with bugs a script meets: a frontier (%f) at the start of the subject, a
 * replacement ending in '%', an unclosed '[' failed with Java's ArrayIndexOutOfBoundsException,
 * and lower/upper changed bytes above 127 (breaking UTF-8) where C's do in Redis's C locale not.
 * As in C, a pattern ends at its first '\0' and the byte past the end of a string reads as '\0'.
 */
final class LuaPatterns {
    private static final int MAX_CAPTURES = 32;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;
    private static final int ESC = '%';
    private static final String SPECIALS = "^$*+?.([%-";

    private LuaPatterns() {
    }

    static void install(LuaTable string) {
        string.rawset("find", LuaConversions.function(args -> findAux(args, true)));
        string.rawset("match", LuaConversions.function(args -> findAux(args, false)));
        string.rawset("gmatch", LuaConversions.function(LuaPatterns::gmatch));
        string.rawset("gfind", string.rawget("gmatch"));
        string.rawset("gsub", LuaConversions.function(LuaPatterns::gsub));
        string.rawset("lower", LuaConversions.function(args -> mapCase(args, "lower", 'A', 'Z', 'a' - 'A')));
        string.rawset("upper", LuaConversions.function(args -> mapCase(args, "upper", 'a', 'z', 'A' - 'a')));
    }

    // ---- the library functions -----------------------------------------------------------------

    /** str_lower / str_upper: tolower/toupper of the C locale, ASCII letters only. */
    private static Varargs mapCase(Varargs args, String name, int from, int to, int shift) {
        LuaString s = checkString(args, 1, name);
        byte[] out = new byte[s.m_length];
        for (int i = 0; i < out.length; i++) {
            int c = s.m_bytes[s.m_offset + i];
            out[i] = (byte) (c >= from && c <= to ? c + shift : c);
        }
        return LuaString.valueUsing(out);
    }

    /** str_find_aux: string.find (positions, then captures) and string.match (captures). */
    private static Varargs findAux(Varargs args, boolean find) {
        String name = find ? "find" : "match";
        LuaString s = checkString(args, 1, name);
        LuaString p = checkString(args, 2, name);
        int length = s.m_length;
        long init = relativePosition(LuaConversions.optInteger(args, 3, 1, name), length) - 1;
        if (init < 0) {
            init = 0;
        } else if (init > length) {
            init = length;
        }
        if (find && (args.arg(4).toboolean() || !hasSpecials(p))) {
            int at = indexOf(s, (int) init, p);
            if (at >= 0) {
                return LuaValue.varargsOf(LuaValue.valueOf(at + 1), LuaValue.valueOf(at + p.m_length));
            }
            return LuaValue.NIL;
        }
        MatchState ms = new MatchState(s, p);
        boolean anchor = ms.pat(0) == '^';
        int patternStart = anchor ? 1 : 0;
        int s1 = (int) init;
        do {
            ms.level = 0;
            int end = ms.match(s1, patternStart);
            if (end >= 0) {
                if (find) {
                    List<LuaValue> values = new ArrayList<>();
                    values.add(LuaValue.valueOf(s1 + 1));
                    values.add(LuaValue.valueOf(end));
                    ms.pushCaptures(values, -1, 0);
                    return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
                }
                return ms.captures(s1, end);
            }
        } while (s1++ < length && !anchor);
        return LuaValue.NIL;
    }

    /** gmatch: an iterator over the matches, each search going on where the last match ended. */
    private static Varargs gmatch(Varargs args) {
        LuaString s = checkString(args, 1, "gmatch");
        LuaString p = checkString(args, 2, "gmatch");
        MatchState ms = new MatchState(s, p);
        return new VarArgFunction() {
            private int start;

            @Override
            public Varargs invoke(Varargs ignored) {
                for (int src = start; src <= s.m_length; src++) {
                    ms.level = 0;
                    int end = ms.match(src, 0);
                    if (end >= 0) {
                        start = end == src ? end + 1 : end; // an empty match moves on by one
                        return ms.captures(src, end);
                    }
                }
                return LuaValue.NONE;
            }
        };
    }

    /** str_gsub, its arguments checked in C's order (the fourth before the third's type). */
    private static Varargs gsub(Varargs args) {
        LuaString src = checkString(args, 1, "gsub");
        LuaString p = checkString(args, 2, "gsub");
        LuaValue replacement = args.arg(3);
        int type = replacement.type();
        long maxSubstitutions = (int) LuaConversions.optInteger(args, 4, src.m_length + 1L, "gsub");
        if (type != LuaValue.TNUMBER && type != LuaValue.TSTRING && type != LuaValue.TFUNCTION
                && type != LuaValue.TTABLE) {
            throw new LuaError("bad argument #3 to 'gsub' (string/function/table expected)");
        }
        MatchState ms = new MatchState(src, p);
        boolean anchor = ms.pat(0) == '^';
        int patternStart = anchor ? 1 : 0;
        int length = src.m_length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length);
        int at = 0;
        int n = 0;
        while (n < maxSubstitutions) {
            ms.level = 0;
            int end = ms.match(at, patternStart);
            if (end >= 0) {
                n++;
                ms.addValue(out, at, end, replacement);
            }
            if (end > at) {
                at = end;
            } else if (at < length) {
                out.write(src.m_bytes[src.m_offset + at++]);
            } else {
                break;
            }
            if (anchor) {
                break;
            }
        }
        out.write(src.m_bytes, src.m_offset + at, length - at);
        return LuaValue.varargsOf(LuaString.valueUsing(out.toByteArray()), LuaValue.valueOf(n));
    }

    // ---- arguments -----------------------------------------------------------------------------

    /** luaL_checklstring without a copy: a string as it is, a number as Lua writes it. */
    private static LuaString checkString(Varargs args, int n, String function) {
        LuaValue v = args.arg(n);
        if (v.type() == LuaValue.TSTRING) {
            return v.checkstring();
        }
        if (v.type() == LuaValue.TNUMBER) {
            return v.tostring().checkstring();
        }
        throw LuaConversions.typeError(args, n, function, "string");
    }

    /** posrelat: a negative position counts back from the end; before the start is 0. */
    private static long relativePosition(long pos, int length) {
        if (pos < 0) {
            pos += length + 1;
        }
        return pos >= 0 ? pos : 0;
    }

    /** strpbrk(p, SPECIALS), which stops at the pattern's first '\0'. */
    private static boolean hasSpecials(LuaString p) {
        for (int i = 0; i < p.m_length; i++) {
            byte c = p.m_bytes[p.m_offset + i];
            if (c == 0) {
                return false;
            }
            if (SPECIALS.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** lmemfind: the first place at or after from where p (all of it, '\0's too) occurs in s, or -1. */
    private static int indexOf(LuaString s, int from, LuaString p) {
        int last = s.m_length - p.m_length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < p.m_length; j++) {
                if (s.m_bytes[s.m_offset + i + j] != p.m_bytes[p.m_offset + j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- ctype.h in the C locale ---------------------------------------------------------------

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLower(int c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isUpper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean isAlpha(int c) {
        return isLower(c) || isUpper(c);
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isControl(int c) {
        return c < 32 || c == 127;
    }

    private static boolean isPunctuation(int c) {
        return c > 32 && c < 127 && !isAlnum(c);
    }

    private static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** match_class: %a %c %d %l %p %s %u %w %x %z, upper case for the complement; else the character itself. */
    private static boolean matchClass(int c, int cl) {
        boolean res;
        switch (cl | 0x20) {
            case 'a' -> res = isAlpha(c);
            case 'c' -> res = isControl(c);
            case 'd' -> res = isDigit(c);
            case 'l' -> res = isLower(c);
            case 'p' -> res = isPunctuation(c);
            case 's' -> res = isSpace(c);
            case 'u' -> res = isUpper(c);
            case 'w' -> res = isAlnum(c);
            case 'x' -> res = isHexDigit(c);
            case 'z' -> res = c == 0;
            default -> {
                return cl == c;
            }
        }
        return isLower(cl) == res;
    }

    // ---- matching ------------------------------------------------------------------------------

    /** MatchState: the subject, the pattern and the captures of one match attempt; -1 is C's NULL. */
    private static final class MatchState {
        private final byte[] src;
        private final int srcOffset;
        private final int srcEnd;
        private final byte[] pat;
        private final int patOffset;
        private final int patEnd;
        int level;
        private final int[] captureInit = new int[MAX_CAPTURES];
        private final int[] captureLen = new int[MAX_CAPTURES];

        MatchState(LuaString s, LuaString p) {
            src = s.m_bytes;
            srcOffset = s.m_offset;
            srcEnd = s.m_length;
            pat = p.m_bytes;
            patOffset = p.m_offset;
            patEnd = p.m_length;
        }

        /** The subject's byte at i, '\0' at its end (Lua strings carry one). */
        private int src(int i) {
            return i < srcEnd ? src[srcOffset + i] & 0xFF : 0;
        }

        /** The pattern's byte at i, '\0' at its end. */
        int pat(int i) {
            return i < patEnd ? pat[patOffset + i] & 0xFF : 0;
        }

        private int classEnd(int p) {
            int c = pat(p++);
            if (c == ESC) {
                if (pat(p) == 0) {
                    throw new LuaError("malformed pattern (ends with '%')");
                }
                return p + 1;
            }
            if (c == '[') {
                if (pat(p) == '^') {
                    p++;
                }
                do { // look for a ']'
                    if (pat(p) == 0) {
                        throw new LuaError("malformed pattern (missing ']')");
                    }
                    if (pat(p++) == ESC && pat(p) != 0) {
                        p++; // skip escapes (e.g. '%]')
                    }
                } while (pat(p) != ']');
                return p + 1;
            }
            return p;
        }

        /** matchbracketclass: p at the '[', ec at the ']'. */
        private boolean matchBracketClass(int c, int p, int ec) {
            boolean sig = true;
            if (pat(p + 1) == '^') {
                sig = false;
                p++;
            }
            while (++p < ec) {
                if (pat(p) == ESC) {
                    p++;
                    if (matchClass(c, pat(p))) {
                        return sig;
                    }
                } else if (pat(p + 1) == '-' && p + 2 < ec) {
                    p += 2;
                    if (pat(p - 2) <= c && c <= pat(p)) {
                        return sig;
                    }
                } else if (pat(p) == c) {
                    return sig;
                }
            }
            return !sig;
        }

        private boolean singleMatch(int c, int p, int ep) {
            return switch (pat(p)) {
                case '.' -> true;
                case ESC -> matchClass(c, pat(p + 1));
                case '[' -> matchBracketClass(c, p, ep - 1);
                default -> pat(p) == c;
            };
        }

        private int matchBalance(int s, int p) {
            if (pat(p) == 0 || pat(p + 1) == 0) {
                throw new LuaError("unbalanced pattern");
            }
            if (src(s) != pat(p)) {
                return -1;
            }
            int open = pat(p);
            int close = pat(p + 1);
            int depth = 1;
            while (++s < srcEnd) {
                int c = src(s);
                if (c == close) {
                    if (--depth == 0) {
                        return s + 1;
                    }
                } else if (c == open) {
                    depth++;
                }
            }
            return -1; // the subject ends out of balance
        }

        private int maxExpand(int s, int p, int ep) {
            int i = 0;
            while (s + i < srcEnd && singleMatch(src(s + i), p, ep)) {
                i++;
            }
            while (i >= 0) { // the most repetitions that let the rest match
                int res = match(s + i, ep + 1);
                if (res >= 0) {
                    return res;
                }
                i--;
            }
            return -1;
        }

        private int minExpand(int s, int p, int ep) {
            while (true) {
                int res = match(s, ep + 1);
                if (res >= 0) {
                    return res;
                } else if (s < srcEnd && singleMatch(src(s), p, ep)) {
                    s++;
                } else {
                    return -1;
                }
            }
        }

        private int startCapture(int s, int p, int what) {
            if (level >= MAX_CAPTURES) {
                throw new LuaError("too many captures");
            }
            captureInit[level] = s;
            captureLen[level] = what;
            level++;
            int res = match(s, p);
            if (res < 0) {
                level--;
            }
            return res;
        }

        private int endCapture(int s, int p) {
            int l = captureToClose();
            captureLen[l] = s - captureInit[l];
            int res = match(s, p);
            if (res < 0) {
                captureLen[l] = CAP_UNFINISHED;
            }
            return res;
        }

        private int captureToClose() {
            for (int l = level - 1; l >= 0; l--) {
                if (captureLen[l] == CAP_UNFINISHED) {
                    return l;
                }
            }
            throw new LuaError("invalid pattern capture");
        }

        private int checkCapture(int l) {
            l -= '1';
            if (l < 0 || l >= level || captureLen[l] == CAP_UNFINISHED) {
                throw new LuaError("invalid capture index");
            }
            return l;
        }

        private int matchCapture(int s, int l) {
            l = checkCapture(l);
            int len = captureLen[l];
            if (len < 0 || srcEnd - s < len) {
                return -1; // a position capture's length is (size_t) -2: never room for it
            }
            for (int i = 0; i < len; i++) {
                if (src(captureInit[l] + i) != src(s + i)) {
                    return -1;
                }
            }
            return s + len;
        }

        /** match: where a match of the pattern from p at subject position s ends, or -1. */
        int match(int s, int p) {
            while (true) {
                switch (pat(p)) {
                    case '(':
                        return pat(p + 1) == ')' ? startCapture(s, p + 2, CAP_POSITION) : startCapture(s, p + 1, CAP_UNFINISHED);
                    case ')':
                        return endCapture(s, p + 1);
                    case 0:
                        return s; // the end of the pattern: a match
                    case ESC: {
                        int next = pat(p + 1);
                        if (next == 'b') {
                            s = matchBalance(s, p + 2);
                            if (s < 0) {
                                return -1;
                            }
                            p += 4;
                            continue;
                        }
                        if (next == 'f') {
                            p += 2;
                            if (pat(p) != '[') {
                                throw new LuaError("missing '[' after '%f' in pattern");
                            }
                            int ep = classEnd(p);
                            int previous = s == 0 ? 0 : src(s - 1);
                            if (matchBracketClass(previous, p, ep - 1) || !matchBracketClass(src(s), p, ep - 1)) {
                                return -1;
                            }
                            p = ep;
                            continue;
                        }
                        if (isDigit(next)) { // a back reference %1-%9
                            s = matchCapture(s, next);
                            if (s < 0) {
                                return -1;
                            }
                            p += 2;
                            continue;
                        }
                        break;
                    }
                    case '$':
                        if (pat(p + 1) == 0) {
                            return s == srcEnd ? s : -1;
                        }
                        break;
                    default:
                        break;
                }
                // a single character class, maybe with a repetition
                int ep = classEnd(p);
                boolean m = s < srcEnd && singleMatch(src(s), p, ep);
                switch (pat(ep)) {
                    case '?': {
                        if (m) {
                            int res = match(s + 1, ep + 1);
                            if (res >= 0) {
                                return res;
                            }
                        }
                        p = ep + 1;
                        continue;
                    }
                    case '*':
                        return maxExpand(s, p, ep);
                    case '+':
                        return m ? maxExpand(s + 1, p, ep) : -1;
                    case '-':
                        return minExpand(s, p, ep);
                    default:
                        if (!m) {
                            return -1;
                        }
                        s++;
                        p = ep;
                }
            }
        }

        // ---- captures --------------------------------------------------------------------------

        private LuaValue substring(int from, int to) {
            return LuaString.valueOf(src, srcOffset + from, to - from);
        }

        /** push_onecapture: capture i, or the whole match s..e when the pattern has none. */
        LuaValue capture(int i, int s, int e) {
            if (i >= level) {
                if (i == 0) {
                    return substring(s, e);
                }
                throw new LuaError("invalid capture index");
            }
            int l = captureLen[i];
            if (l == CAP_UNFINISHED) {
                throw new LuaError("unfinished capture");
            }
            if (l == CAP_POSITION) {
                return LuaValue.valueOf(captureInit[i] + 1);
            }
            return substring(captureInit[i], captureInit[i] + l);
        }

        /** push_captures: s < 0 is C's NULL (find's captures: none when the pattern has none). */
        void pushCaptures(List<LuaValue> values, int s, int e) {
            int n = level == 0 && s >= 0 ? 1 : level;
            for (int i = 0; i < n; i++) {
                values.add(capture(i, s, e));
            }
        }

        Varargs captures(int s, int e) {
            if (level == 0) {
                return substring(s, e);
            }
            List<LuaValue> values = new ArrayList<>(level);
            pushCaptures(values, s, e);
            return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
        }

        /** add_value: the replacement of the match s..e. */
        void addValue(java.io.ByteArrayOutputStream out, int s, int e, LuaValue replacement) {
            LuaValue value;
            switch (replacement.type()) {
                case LuaValue.TNUMBER, LuaValue.TSTRING -> {
                    addString(out, s, e, replacement.checkstring());
                    return;
                }
                case LuaValue.TFUNCTION -> {
                    List<LuaValue> values = new ArrayList<>();
                    pushCaptures(values, s, e);
                    value = replacement.invoke(LuaValue.varargsOf(values.toArray(new LuaValue[0]))).arg1();
                }
                default -> value = replacement.get(capture(0, s, e)); // lua_gettable: __index counts
            }
            if (!value.toboolean()) {
                value = substring(s, e); // nil or false keeps the original text
            } else if (!value.isstring()) {
                throw new LuaError("invalid replacement value (a " + value.typename() + ")");
            }
            LuaString text = value.checkstring();
            out.write(text.m_bytes, text.m_offset, text.m_length);
        }

        /** add_s: the replacement string with %0-%9 and %x (x itself); a final '%' adds the '\0' after it. */
        private void addString(java.io.ByteArrayOutputStream out, int s, int e, LuaString news) {
            int l = news.m_length;
            for (int i = 0; i < l; i++) {
                int c = news.m_bytes[news.m_offset + i] & 0xFF;
                if (c != ESC) {
                    out.write(c);
                    continue;
                }
                i++;
                c = i < l ? news.m_bytes[news.m_offset + i] & 0xFF : 0;
                if (!isDigit(c)) {
                    out.write(c);
                } else if (c == '0') {
                    out.write(src, srcOffset + s, e - s);
                } else {
                    LuaString captured = capture(c - '1', s, e).checkstring();
                    out.write(captured.m_bytes, captured.m_offset, captured.m_length);
                }
            }
        }
    }
}
