package io.mnemos.scripting;

import java.nio.charset.StandardCharsets;

/**
 * Lua 5.1's lexer and parser (llex.c, lparser.c) without code generation, run on a chunk before
 * LuaJ's compiler (Lua 5.2's) sees it: a syntax error gets the message it gets in Redis
 * ("user_script:1: '=' expected near 'x'", "'end' expected (to close 'if' at line 1) near '<eof>'",
 * "unexpected symbol near '@'", "unfinished string near '\"abc'"), where LuaJ says "syntax error"
 * or leaves out what is near; what 5.2 added is refused as 5.1 refuses it (goto and labels, empty
 * statements, a call's '(' on the next line); and in the source handed to LuaJ a string escape
 * 5.1 does not know ("\x41", "\z") is the character itself and a [[ inside a long string is text,
 * as in Redis's 5.1.
 */
final class Lua51Syntax {
    // Tokens: single characters are their own code; the rest follow.
    private static final int FIRST_RESERVED = 257;
    private static final String[] TOKENS = {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local",
        "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
        "..", "...", "==", ">=", "<=", "~=", "<number>", "<name>", "<string>", "<eof>"
    };
    private static final int AND = 257, BREAK = 258, DO = 259, ELSE = 260, ELSEIF = 261, END = 262,
        FALSE = 263, FOR = 264, FUNCTION = 265, IF = 266, IN = 267, LOCAL = 268, NIL = 269, NOT = 270,
        OR = 271, REPEAT = 272, RETURN = 273, THEN = 274, TRUE = 275, UNTIL = 276, WHILE = 277,
        CONCAT = 278, DOTS = 279, EQ = 280, GE = 281, LE = 282, NE = 283, NUMBER = 284, NAME = 285,
        STRING = 286, EOS = 287;
    private static final int NUM_RESERVED = WHILE - FIRST_RESERVED + 1;
    /** LUAI_MAXCCALLS: nesting of syntactic levels. */
    private static final int MAX_LEVELS = 200;
    /** Left and right priorities of the binary operators (lparser.c's priority table). */
    private static final int UNARY_PRIORITY = 8;

    /**
     * What Lua 5.1 makes of a chunk: its syntax error, or null and the source to compile (the
     * given one, or a copy without the backslashes of unknown escapes).
     */
    record Checked(String error, byte[] source, int offset) {
    }

    /** A syntax error, with the message as Lua 5.1 words it. */
    static final class SyntaxError extends RuntimeException {
        SyntaxError(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] src;
    private int pos;
    private int current;
    private final String chunk;
    private int line = 1;
    private int lastLine = 1;
    private int token;
    /** The text of the current name, string or number token, as the lexer's buffer holds it. */
    private final StringBuilder buffer = new StringBuilder();
    private String tokenText;
    private int aheadToken = EOS;
    private String aheadText;
    private boolean hasAhead;
    private int levels;
    /**
     * Changes to the source before LuaJ reads it, in source order: {offset, bytes removed} then the
     * text inserted there. The backslash of an escape 5.1 reads as the character itself goes; a
     * [[...]] holding [[ (text in Redis's Lua, an error in LuaJ's) becomes [=[...]=].
     */
    private final java.util.List<int[]> edits = new java.util.ArrayList<>();
    private final java.util.List<String> insertions = new java.util.ArrayList<>();
    /** Per function being parsed: whether it is vararg; per block: whether it is a loop. */
    private boolean vararg;
    private int loops;

    private Lua51Syntax(byte[] src, int offset, String chunk) {
        this.src = src;
        this.pos = offset;
        this.chunk = chunk;
        next();
    }

    /** Parses {@code source} from {@code offset} as Lua 5.1 does. */
    static Checked check(byte[] source, int offset, String chunkName) {
        Lua51Syntax p;
        try {
            p = new Lua51Syntax(source, offset, chunkName);
            p.nextToken();
            p.vararg = true; // the main chunk
            p.chunk();
            p.check(EOS);
        } catch (SyntaxError e) {
            return new Checked(e.getMessage(), source, offset);
        }
        if (p.edits.isEmpty()) {
            return new Checked(null, source, offset);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(source.length - offset + 16);
        int from = offset;
        for (int i = 0; i < p.edits.size(); i++) {
            int[] edit = p.edits.get(i);
            out.write(source, from, edit[0] - from);
            out.writeBytes(p.insertions.get(i).getBytes(StandardCharsets.ISO_8859_1));
            from = edit[0] + edit[1];
        }
        out.write(source, from, source.length - from);
        return new Checked(null, out.toByteArray(), 0);
    }

    // ---- lexer (llex.c) ----

    private void next() {
        current = pos < src.length ? src[pos++] & 0xFF : -1;
    }

    private void saveAndNext() {
        buffer.append((char) current);
        next();
    }

    private boolean isNewline() {
        return current == '\n' || current == '\r';
    }

    private void newline() {
        int old = current;
        next();
        if (isNewline() && current != old) {
            next();
        }
        line++;
    }

    private SyntaxError lexError(String message, int tok) {
        String m = chunk + ":" + line + ": " + message;
        if (tok != 0) {
            m += " near '" + text(tok) + "'";
        }
        return new SyntaxError(m);
    }

    /** txtToken: the buffer for names, strings and numbers, else the token's own text. */
    private String text(int tok) {
        if (tok == NAME || tok == STRING || tok == NUMBER) {
            return buffer.toString();
        }
        return tokenString(tok);
    }

    private static String tokenString(int tok) {
        if (tok < FIRST_RESERVED) {
            return tok < 32 || tok == 127 ? "char(" + tok + ")" : String.valueOf((char) tok); // iscntrl, C locale
        }
        return TOKENS[tok - FIRST_RESERVED];
    }

    /** One token; its text stays in {@link #buffer} for names, strings and numbers. */
    private int lex() {
        buffer.setLength(0);
        for (;;) {
            switch (current) {
                case '\n', '\r' -> newline();
                case '-' -> {
                    next();
                    if (current != '-') {
                        return '-';
                    }
                    next();
                    if (current == '[') {
                        int openAt = pos - 1;
                        int sep = skipSeparator();
                        buffer.setLength(0);
                        if (sep >= 0) {
                            longString(sep, false, openAt);
                            buffer.setLength(0);
                            continue;
                        }
                    }
                    buffer.setLength(0);
                    while (!isNewline() && current != -1) {
                        next();
                    }
                }
                case '[' -> {
                    int openAt = pos - 1;
                    int sep = skipSeparator();
                    if (sep >= 0) {
                        longString(sep, true, openAt);
                        return STRING;
                    }
                    if (sep == -1) {
                        return '[';
                    }
                    throw lexError("invalid long string delimiter", STRING);
                }
                case '=' -> {
                    next();
                    return twoChar('=', EQ, '=');
                }
                case '<' -> {
                    next();
                    return twoChar('=', LE, '<');
                }
                case '>' -> {
                    next();
                    return twoChar('=', GE, '>');
                }
                case '~' -> {
                    next();
                    return twoChar('=', NE, '~');
                }
                case '"', '\'' -> {
                    readString(current);
                    return STRING;
                }
                case '.' -> {
                    saveAndNext();
                    if (current == '.') {
                        saveAndNext();
                        if (current == '.') {
                            saveAndNext();
                            return DOTS;
                        }
                        return CONCAT;
                    }
                    if (!isDigit(current)) {
                        return '.';
                    }
                    readNumeral();
                    return NUMBER;
                }
                case -1 -> {
                    return EOS;
                }
                default -> {
                    if (isSpace(current)) {
                        next();
                    } else if (isDigit(current)) {
                        readNumeral();
                        return NUMBER;
                    } else if (isAlpha(current) || current == '_') {
                        do {
                            saveAndNext();
                        } while (isAlnum(current) || current == '_');
                        String word = buffer.toString();
                        for (int i = 0; i < NUM_RESERVED; i++) {
                            if (TOKENS[i].equals(word)) {
                                return FIRST_RESERVED + i;
                            }
                        }
                        return NAME;
                    } else {
                        int c = current;
                        next();
                        return c;
                    }
                }
            }
        }
    }

    private int twoChar(char second, int both, int single) {
        if (current != second) {
            return single;
        }
        next();
        return both;
    }

    /** skip_sep: the level of [==[ (or ]==]); -1 for a lone bracket, less for a bad delimiter. */
    private int skipSeparator() {
        int count = 0;
        int s = current;
        saveAndNext();
        while (current == '=') {
            saveAndNext();
            count++;
        }
        return current == s ? count : (-count) - 1;
    }

    private void edit(int at, int removed, String inserted) {
        edits.add(new int[] {at, removed});
        insertions.add(inserted);
    }

    /** A long string or comment whose first bracket is at {@code openAt}. */
    private void longString(int sep, boolean isString, int openAt) {
        boolean nested = false;
        saveAndNext(); // the second bracket
        if (isNewline()) {
            newline();
        }
        for (;;) {
            switch (current) {
                case -1 -> throw lexError(isString ? "unfinished long string" : "unfinished long comment", EOS);
                case '[' -> {
                    // Redis's Lua is built without LUA_COMPAT_LSTR: a nested [[ is text, no error.
                    if (skipSeparator() == sep) {
                        saveAndNext();
                        nested |= sep == 0;
                    }
                }
                case ']' -> {
                    int closeAt = pos - 1;
                    if (skipSeparator() == sep) {
                        saveAndNext();
                        if (nested) {
                            String level = "=".repeat(freeLevel(openAt + 2, closeAt));
                            edit(openAt + 1, 0, level);
                            edit(closeAt + 1, 0, level);
                        }
                        return;
                    }
                }
                case '\n', '\r' -> {
                    buffer.append('\n');
                    newline();
                    if (!isString) {
                        buffer.setLength(0);
                    }
                }
                default -> {
                    if (isString) {
                        saveAndNext();
                    } else {
                        next();
                    }
                }
            }
        }
    }

    /** The fewest '=' whose closing bracket ]=..=] does not occur in src[from, to). */
    private int freeLevel(int from, int to) {
        String text = new String(src, from, to - from, StandardCharsets.ISO_8859_1);
        int level = 1;
        while (text.contains("]" + "=".repeat(level) + "]")) {
            level++;
        }
        return level;
    }

    private void readString(int delimiter) {
        saveAndNext();
        while (current != delimiter) {
            switch (current) {
                case -1 -> throw lexError("unfinished string", EOS);
                case '\n', '\r' -> throw lexError("unfinished string", STRING);
                case '\\' -> {
                    next();
                    switch (current) {
                        case 'a' -> appendEscape('\u0007');
                        case 'b' -> appendEscape('\b');
                        case 'f' -> appendEscape('\f');
                        case 'n' -> appendEscape('\n');
                        case 'r' -> appendEscape('\r');
                        case 't' -> appendEscape('\t');
                        case 'v' -> appendEscape('\u000b');
                        case '\n', '\r' -> {
                            buffer.append('\n');
                            newline();
                        }
                        case -1 -> {
                            // the loop reports the unfinished string
                        }
                        default -> {
                            if (!isDigit(current)) {
                                if (current != '\\' && current != '"' && current != '\'') {
                                    edit(pos - 2, 1, ""); // LuaJ reads \x, \z and others as 5.2 does
                                }
                                saveAndNext(); // \\, \", \' and any other character as itself
                            } else {
                                int value = 0;
                                int i = 0;
                                do {
                                    value = 10 * value + (current - '0');
                                    next();
                                } while (++i < 3 && isDigit(current));
                                if (value > 255) {
                                    throw lexError("escape sequence too large", STRING);
                                }
                                buffer.append((char) value);
                            }
                        }
                    }
                }
                default -> saveAndNext();
            }
        }
        saveAndNext();
    }

    private void appendEscape(char c) {
        buffer.append(c);
        next();
    }

    private void readNumeral() {
        do {
            saveAndNext();
        } while (isDigit(current) || current == '.');
        if (current == 'E' || current == 'e') {
            saveAndNext();
            if (current == '+' || current == '-') {
                saveAndNext();
            }
        }
        while (isAlnum(current) || current == '_') {
            saveAndNext();
        }
        if (LuaNumbers.toNumber(org.luaj.vm2.LuaValue.valueOf(buffer.toString().getBytes(StandardCharsets.ISO_8859_1))) == null) {
            throw lexError("malformed number", NUMBER);
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\u000b' || c == '\f';
    }

    // ---- token stream ----

    private void nextToken() {
        lastLine = line;
        if (hasAhead) {
            hasAhead = false;
            token = aheadToken;
            tokenText = aheadText;
            buffer.setLength(0);
            buffer.append(aheadText);
        } else {
            token = lex();
            tokenText = buffer.toString();
        }
    }

    private int lookahead() {
        String saved = tokenText;
        aheadToken = lex();
        aheadText = buffer.toString();
        hasAhead = true;
        buffer.setLength(0);
        buffer.append(saved);
        return aheadToken;
    }

    private SyntaxError syntaxError(String message) {
        buffer.setLength(0);
        buffer.append(tokenText);
        return lexError(message, token);
    }

    private SyntaxError errorExpected(int tok) {
        return syntaxError("'" + tokenString(tok) + "' expected");
    }

    private boolean testNext(int tok) {
        if (token == tok) {
            nextToken();
            return true;
        }
        return false;
    }

    private void check(int tok) {
        if (token != tok) {
            throw errorExpected(tok);
        }
    }

    private void checkNext(int tok) {
        check(tok);
        nextToken();
    }

    private void checkMatch(int what, int who, int where) {
        if (!testNext(what)) {
            if (where == line) {
                throw errorExpected(what);
            }
            throw syntaxError("'" + tokenString(what) + "' expected (to close '" + tokenString(who) + "' at line " + where + ")");
        }
    }

    private void checkName() {
        check(NAME);
        nextToken();
    }

    private void enterLevel() {
        if (++levels > MAX_LEVELS) {
            throw lexError("chunk has too many syntax levels", 0);
        }
    }

    private void leaveLevel() {
        levels--;
    }

    // ---- parser (lparser.c) ----

    private static boolean blockFollow(int tok) {
        return tok == ELSE || tok == ELSEIF || tok == END || tok == UNTIL || tok == EOS;
    }

    private void chunk() {
        boolean last = false;
        enterLevel();
        while (!last && !blockFollow(token)) {
            last = statement();
            testNext(';');
        }
        leaveLevel();
    }

    /** A block; a loop's lets break end it. */
    private void block(boolean loop) {
        if (loop) {
            loops++;
        }
        chunk();
        if (loop) {
            loops--;
        }
    }

    /** Returns whether the statement must be the block's last (return, break). */
    private boolean statement() {
        int where = line;
        switch (token) {
            case IF -> {
                testThenBlock();
                while (token == ELSEIF) {
                    testThenBlock();
                }
                if (testNext(ELSE)) {
                    block(false);
                }
                checkMatch(END, IF, where);
                return false;
            }
            case WHILE -> {
                nextToken();
                expression();
                checkNext(DO);
                block(true);
                checkMatch(END, WHILE, where);
                return false;
            }
            case DO -> {
                nextToken();
                block(false);
                checkMatch(END, DO, where);
                return false;
            }
            case FOR -> {
                forStatement(where);
                return false;
            }
            case REPEAT -> {
                nextToken();
                block(true);
                checkMatch(UNTIL, REPEAT, where);
                expression();
                return false;
            }
            case FUNCTION -> {
                nextToken();
                checkName();
                boolean method = false;
                while (token == '.') {
                    nextToken();
                    checkName();
                }
                if (token == ':') {
                    nextToken();
                    checkName();
                    method = true;
                }
                body(method, where);
                return false;
            }
            case LOCAL -> {
                nextToken();
                if (testNext(FUNCTION)) {
                    checkName();
                    body(false, line); // localfunc: the line after the name
                } else {
                    do {
                        checkName();
                    } while (testNext(','));
                    if (testNext('=')) {
                        expressionList();
                    }
                }
                return false;
            }
            case RETURN -> {
                nextToken();
                if (!blockFollow(token) && token != ';') {
                    expressionList();
                }
                return true;
            }
            case BREAK -> {
                nextToken();
                if (loops == 0) {
                    throw syntaxError("no loop to break");
                }
                return true;
            }
            default -> {
                expressionStatement();
                return false;
            }
        }
    }

    private void testThenBlock() {
        nextToken();
        expression();
        checkNext(THEN);
        block(false);
    }

    private void forStatement(int where) {
        nextToken();
        checkName();
        switch (token) {
            case '=' -> {
                nextToken();
                expression();
                checkNext(',');
                expression();
                if (testNext(',')) {
                    expression();
                }
            }
            case ',', IN -> {
                while (testNext(',')) {
                    checkName();
                }
                checkNext(IN);
                expressionList();
            }
            default -> throw syntaxError("'=' or 'in' expected");
        }
        checkNext(DO);
        block(true);
        checkMatch(END, FOR, where);
    }

    /** A function's parameters and body; the function has its own vararg flag and no enclosing loop. */
    private void body(boolean method, int where) {
        boolean outerVararg = vararg;
        int outerLoops = loops;
        vararg = false;
        loops = 0;
        checkNext('(');
        if (token != ')') {
            do {
                if (token == NAME) {
                    nextToken();
                } else if (token == DOTS) {
                    nextToken();
                    vararg = true;
                } else {
                    throw syntaxError("<name> or '...' expected");
                }
            } while (!vararg && testNext(','));
        }
        checkNext(')');
        chunk();
        checkMatch(END, FUNCTION, where);
        vararg = outerVararg;
        loops = outerLoops;
    }

    private void expressionStatement() {
        Kind kind = suffixedExpression();
        if (kind != Kind.CALL) {
            assignment(kind);
        }
    }

    /** What a suffixed expression is: a call, something assignable (a name, a field, an index), or else. */
    private enum Kind { CALL, ASSIGNABLE, OTHER }

    private void assignment(Kind target) {
        if (target != Kind.ASSIGNABLE) {
            throw syntaxError("syntax error");
        }
        if (testNext(',')) {
            assignment(suffixedExpression());
        } else {
            checkNext('=');
            expressionList();
        }
    }

    /** primaryexp: a prefix then fields, indexes, method calls and calls. */
    private Kind suffixedExpression() {
        Kind kind;
        switch (token) {
            case '(' -> {
                int where = line;
                nextToken();
                expression();
                checkMatch(')', '(', where);
                kind = Kind.OTHER;
            }
            case NAME -> {
                nextToken();
                kind = Kind.ASSIGNABLE;
            }
            default -> throw syntaxError("unexpected symbol");
        }
        for (;;) {
            switch (token) {
                case '.' -> {
                    nextToken();
                    checkName();
                    kind = Kind.ASSIGNABLE;
                }
                case '[' -> {
                    nextToken();
                    expression();
                    checkNext(']');
                    kind = Kind.ASSIGNABLE;
                }
                case ':' -> {
                    nextToken();
                    checkName();
                    functionArguments();
                    kind = Kind.CALL;
                }
                case '(', STRING, '{' -> {
                    functionArguments();
                    kind = Kind.CALL;
                }
                default -> {
                    return kind;
                }
            }
        }
    }

    private void functionArguments() {
        int where = line;
        switch (token) {
            case '(' -> {
                if (where != lastLine) {
                    throw syntaxError("ambiguous syntax (function call x new statement)");
                }
                nextToken();
                if (token != ')') {
                    expressionList();
                }
                checkMatch(')', '(', where);
            }
            case '{' -> constructor();
            case STRING -> nextToken();
            default -> throw syntaxError("function arguments expected");
        }
    }

    private void constructor() {
        int where = line;
        checkNext('{');
        do {
            if (token == '}') {
                break;
            }
            if (token == NAME) {
                if (lookahead() != '=') {
                    expression();
                } else {
                    nextToken();
                    checkNext('=');
                    expression();
                }
            } else if (token == '[') {
                nextToken();
                expression();
                checkNext(']');
                checkNext('=');
                expression();
            } else {
                expression();
            }
        } while (testNext(',') || testNext(';'));
        checkMatch('}', '{', where);
    }

    private void expressionList() {
        expression();
        while (testNext(',')) {
            expression();
        }
    }

    private void expression() {
        subExpression(0);
    }

    /** subexpr: unary operators and simple expressions, then binary operators above {@code limit}. */
    private void subExpression(int limit) {
        enterLevel();
        if (token == NOT || token == '-' || token == '#') {
            nextToken();
            subExpression(UNARY_PRIORITY);
        } else {
            simpleExpression();
        }
        int op;
        while ((op = binaryOperator(token)) >= 0 && LEFT[op] > limit) {
            nextToken();
            subExpression(RIGHT[op]);
        }
        leaveLevel();
    }

    // + - * / % ^ .. == ~= < <= > >= and or
    private static final int[] LEFT = {6, 6, 7, 7, 7, 10, 5, 3, 3, 3, 3, 3, 3, 2, 1};
    private static final int[] RIGHT = {6, 6, 7, 7, 7, 9, 4, 3, 3, 3, 3, 3, 3, 2, 1};

    private static int binaryOperator(int tok) {
        return switch (tok) {
            case '+' -> 0;
            case '-' -> 1;
            case '*' -> 2;
            case '/' -> 3;
            case '%' -> 4;
            case '^' -> 5;
            case CONCAT -> 6;
            case NE -> 7;
            case EQ -> 8;
            case '<' -> 9;
            case LE -> 10;
            case '>' -> 11;
            case GE -> 12;
            case AND -> 13;
            case OR -> 14;
            default -> -1;
        };
    }

    private void simpleExpression() {
        switch (token) {
            case NUMBER, STRING, NIL, TRUE, FALSE -> nextToken();
            case DOTS -> {
                if (!vararg) {
                    throw syntaxError("cannot use '...' outside a vararg function");
                }
                nextToken();
            }
            case '{' -> constructor();
            case FUNCTION -> {
                nextToken();
                body(false, line);
            }
            default -> suffixedExpression();
        }
    }
}
