package io.mnemos.persistence;

import io.mnemos.protocol.InlineSplitter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis 7's multi-part AOF manifest ({@code appendonly.aof.manifest} in {@code appenddirname}): at
 * most one BASE file, HISTORY files waiting to be deleted and the ordered INCR files. Lines are
 * {@code file <name> seq <n> type <b|h|i>}, exactly as aof.c's aofInfoFormat writes them, so
 * directories are interchangeable with redis-server 7.0.
 */
public final class AofManifest {
    public static final char BASE = 'b';
    public static final char HISTORY = 'h';
    public static final char INCR = 'i';

    /** One AOF file of the manifest. */
    public record FileInfo(String name, long seq, char type) {
        FileInfo withType(char t) {
            return new FileInfo(name, seq, t);
        }
    }

    private FileInfo base;
    private final List<FileInfo> history = new ArrayList<>();
    private final List<FileInfo> incrs = new ArrayList<>();
    private long baseSeq;
    private long incrSeq;

    public FileInfo base() {
        return base;
    }

    public List<FileInfo> incrs() {
        return incrs;
    }

    public List<FileInfo> history() {
        return history;
    }

    public long currentBaseSeq() {
        return baseSeq;
    }

    public long currentIncrSeq() {
        return incrSeq;
    }

    public boolean isEmpty() {
        return base == null && incrs.isEmpty();
    }

    public AofManifest copy() {
        AofManifest m = new AofManifest();
        m.base = base;
        m.history.addAll(history);
        m.incrs.addAll(incrs);
        m.baseSeq = baseSeq;
        m.incrSeq = incrSeq;
        return m;
    }

    /** getNewBaseFileNameAndMarkPreAsHistory: {@code <filename>.<seq>.base.<aof|rdb>}. */
    public String newBase(String aofFilename, boolean rdbFormat) {
        if (base != null) {
            history.add(0, base.withType(HISTORY));
        }
        baseSeq++;
        base = new FileInfo(aofFilename + "." + baseSeq + ".base" + (rdbFormat ? ".rdb" : ".aof"), baseSeq, BASE);
        return base.name();
    }

    /** aofUpgradePrepare: an old-style single AOF file becomes the base, keeping its name. */
    public void upgradeBase(String name) {
        baseSeq = 1;
        base = new FileInfo(name, 1, BASE);
    }

    /** getNewIncrAofName: {@code <filename>.<seq>.incr.aof}, appended to the INCR list. */
    public String newIncr(String aofFilename) {
        incrSeq++;
        FileInfo info = new FileInfo(aofFilename + "." + incrSeq + ".incr.aof", incrSeq, INCR);
        incrs.add(info);
        return info.name();
    }

    /** getLastIncrAofName: the last INCR file, a new one if there is none. */
    public String lastIncr(String aofFilename) {
        return incrs.isEmpty() ? newIncr(aofFilename) : incrs.get(incrs.size() - 1).name();
    }

    /** markRewrittenIncrAofAsHistory: every INCR file but the last (opened when the rewrite started) becomes history. */
    public void markIncrsAsHistoryExceptFrom(long firstKeptSeq) {
        List<FileInfo> kept = new ArrayList<>();
        for (FileInfo f : incrs) {
            if (f.seq() < firstKeptSeq) {
                history.add(f.withType(HISTORY));
            } else {
                kept.add(f);
            }
        }
        incrs.clear();
        incrs.addAll(kept);
    }

    public void clearHistory() {
        history.clear();
    }

    /** getAofManifestAsString: base, then history, then incr files. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) {
            line(sb, base);
        }
        for (FileInfo f : history) {
            line(sb, f);
        }
        for (FileInfo f : incrs) {
            line(sb, f);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, FileInfo f) {
        sb.append("file ").append(needsRepr(f.name()) ? io.mnemos.util.Repr.of(f.name()) : f.name())
                .append(" seq ").append(f.seq()).append(" type ").append(f.type()).append('\n');
    }

    /** sdsneedsrepr: quoting is needed for spaces, quotes, backslashes and unprintable bytes. */
    static boolean needsRepr(String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int ch = b & 0xff;
            if (ch == '\\' || ch == '"' || ch == '\n' || ch == '\r' || ch == '\t' || ch == 7 || ch == '\b'
                    || ch < 32 || ch > 126 || ch == ' ') {
                return true;
            }
        }
        return false;
    }

    /** A manifest that aofLoadManifestFromFile rejects, with its line as Redis reports it. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message);
        }
    }

    /** aofLoadManifestFromFile, with its checks and error texts. */
    public static AofManifest parse(String text) throws FormatException {
        AofManifest m = new AofManifest();
        long maxSeq = 0;
        if (text.isEmpty()) {
            throw new FormatException("Found an empty AOF manifest");
        }
        String[] lines = text.split("\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int n = 0; n < count; n++) {
            String raw = lines[n];
            if (raw.startsWith("#")) {
                continue;
            }
            if (raw.length() > 1024) {
                throw new FormatException("The AOF manifest file contains too long line");
            }
            String line = raw.strip();
            String where = "Reading the manifest file, at line " + (n + 1) + "\n>>> '" + line + "'\n";
            if (line.isEmpty()) {
                throw new FormatException(where + "Invalid AOF manifest file format");
            }
            byte[][] argv = InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
            if (argv == null || argv.length < 6 || argv.length % 2 != 0) {
                throw new FormatException(where + "Invalid AOF manifest file format");
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.length; i += 2) {
                String k = new String(argv[i], StandardCharsets.UTF_8);
                String v = new String(argv[i + 1], StandardCharsets.UTF_8);
                if (k.equalsIgnoreCase("file")) {
                    name = v;
                    if (name.contains("/")) {
                        throw new FormatException(where + "File can't be a path, just a filename");
                    }
                } else if (k.equalsIgnoreCase("seq")) {
                    seq = atoll(v);
                } else if (k.equalsIgnoreCase("type")) {
                    type = v.isEmpty() ? 0 : v.charAt(0);
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new FormatException(where + "Invalid AOF manifest file format");
            }
            FileInfo info = new FileInfo(name, seq, type);
            switch (type) {
                case BASE -> {
                    if (m.base != null) {
                        throw new FormatException(where + "Found duplicate base file information");
                    }
                    m.base = info;
                    m.baseSeq = seq;
                }
                case HISTORY -> m.history.add(info);
                case INCR -> {
                    if (seq <= maxSeq) {
                        throw new FormatException(where + "Found a non-monotonic sequence number");
                    }
                    m.incrs.add(info);
                    m.incrSeq = seq;
                    maxSeq = seq;
                }
                default -> throw new FormatException(where + "Unknown AOF file type");
            }
        }
        return m;
    }

    private static long atoll(String s) {
        int i = 0;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i++) == '-';
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return neg ? -v : v;
    }
}
