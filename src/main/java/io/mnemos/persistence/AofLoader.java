package io.mnemos.persistence;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * loadAppendOnlyFiles / loadSingleAppendOnlyFile: replays the base file and the incremental files
 * of the manifest through the dispatcher with a fake client, before the server accepts
 * connections. A file that starts with "REDIS" (an RDB base, or an old-style AOF with an RDB
 * preamble) is loaded as RDB first, then read on as commands. A truncated last command (or an unterminated MULTI) at the end of the last file is
 * cut off when aof-load-truncated is yes; anything else that is not a well-formed command stops the
 * server with Redis's message: never a silent partial load.
 */
public final class AofLoader {
    private static final Logger log = LoggerFactory.getLogger(AofLoader.class);
    private static final byte[] RDB_MAGIC = {'R', 'E', 'D', 'I', 'S'};

    /** The AOF cannot be loaded; the server must not start. */
    public static final class LoadException extends RuntimeException {
        public LoadException(String message) {
            super(message);
        }
    }

    private static final class Truncated extends Exception {
    }

    private static final class BadFormat extends Exception {
    }

    private final Server server;
    private final boolean loadTruncated;
    private long commandsLoaded;

    public AofLoader(Server server, boolean loadTruncated) {
        this.server = server;
        this.loadTruncated = loadTruncated;
    }

    public long commandsLoaded() {
        return commandsLoaded;
    }

    /** Loads base and incr files in order; returns false when there was nothing to load. */
    public boolean loadAll(Path dir, AofManifest manifest) {
        int total = (manifest.base() == null ? 0 : 1) + manifest.incrs().size();
        if (total == 0) {
            return false;
        }
        long start = System.nanoTime();
        int n = 0;
        if (manifest.base() != null) {
            n++;
            loadFile(dir, manifest.base().name(), "base", n == total);
        }
        for (AofManifest.FileInfo f : manifest.incrs()) {
            n++;
            loadFile(dir, f.name(), "incr", n == total);
        }
        log.info("DB loaded from append only file: {} seconds", String.format("%.3f", (System.nanoTime() - start) / 1e9));
        return true;
    }

    private void loadFile(Path dir, String name, String kind, boolean last) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            // Redis: a missing file listed in the manifest is fatal.
            throw new LoadException("Fatal error: can't open the append log file " + name + " for reading: No such file or directory");
        }
        long start = System.nanoTime();
        try {
            if (Files.size(file) == 0) {
                log.info("DB loaded from {} file {}: 0.000 seconds", kind, name);
                return;
            }
            loadSingle(file, name, last);
        } catch (IOException e) {
            throw new LoadException("Unrecoverable error reading the append only file " + name + ": " + e.getMessage());
        }
        log.info("DB loaded from {} file {}: {} seconds", kind, name, String.format("%.3f", (System.nanoTime() - start) / 1e9));
    }

    /** Parses and executes one file; truncation and format errors as loadSingleAppendOnlyFile. */
    void loadSingle(Path file, String name, boolean last) throws IOException {
        Client fake = new Client(Client.AOF_CLIENT_ID, server, null, new ReplyWriter(new UnpooledByteBufAllocator(false)));
        fake.authenticated(true);
        long validUpTo = startsWithRdb(file) ? loadRdb(file, name) : 0;
        long validBeforeMulti = 0;
        try (CountingInput in = new CountingInput(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            in.skip(validUpTo);
            while (true) {
                long commandStart = in.offset();
                int first;
                try {
                    first = in.read();
                    if (first == -1) {
                        break;
                    }
                    if (first == '#') {
                        in.readLine(); // annotations (#TS:...) are skipped
                        validUpTo = in.offset();
                        continue;
                    }
                    if (first != '*') {
                        throw new BadFormat();
                    }
                    long argc = parseNumber(in.readLine());
                    if (argc < 1) {
                        throw new BadFormat();
                    }
                    byte[][] argv = new byte[(int) argc][];
                    for (int i = 0; i < argc; i++) {
                        if (in.read() != '$') {
                            throw new BadFormat();
                        }
                        long len = parseNumber(in.readLine());
                        if (len < 0 || len > Integer.MAX_VALUE - 2) {
                            throw new BadFormat();
                        }
                        argv[i] = in.readExactly((int) len);
                        int cr = in.read();
                        int lf = in.read();
                        if (cr == -1 || lf == -1) {
                            throw new Truncated();
                        }
                    }
                    if (server.commandTable().resolve(argv) == null) {
                        throw new LoadException("Unknown command '" + new String(argv[0], StandardCharsets.UTF_8)
                                + "' reading the append only file " + name);
                    }
                    if (argv.length == 1 && new String(argv[0], StandardCharsets.US_ASCII).equalsIgnoreCase("multi")) {
                        validBeforeMulti = commandStart;
                    }
                    server.dispatcher().dispatch(fake, argv);
                    fake.reply().discard();
                    if (fake.blocked()) {
                        server.dispatcher().forget(fake);
                    }
                    commandsLoaded++;
                    validUpTo = in.offset();
                } catch (Truncated | EOFException e) {
                    truncated(file, name, last, validUpTo);
                    return;
                } catch (BadFormat e) {
                    throw new LoadException("Bad file format reading the append only file " + name
                            + ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
                }
            }
            if (fake.inMulti()) {
                log.warn("Revert incomplete MULTI/EXEC transaction in AOF file {}", name);
                fake.transaction().clear();
                truncated(file, name, last, validBeforeMulti);
            }
        } finally {
            fake.reply().discard();
            server.dispatcher().forget(fake);
        }
    }

    private static boolean startsWithRdb(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(5), RDB_MAGIC);
        }
    }

    /**
     * An RDB base file (aof-use-rdb-preamble yes), or the RDB preamble of an old-style single AOF
     * file, which AOF commands follow. Returns where the RDB ends. A bad RDB is fatal whatever
     * aof-load-truncated says, as in Redis.
     */
    private long loadRdb(Path file, String name) throws IOException {
        boolean oldStyle = name.equals(server.config().aof.appendfilename);
        log.info(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
        RdbPersistence rdb = server.persistence();
        long end;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            end = rdb.loadInto(in, Files.size(file));
        } catch (RdbFormatException | UncheckedIOException e) {
            log.warn("RDB error: {}", e.getMessage());
            throw new LoadException(oldStyle
                    ? "Error reading the RDB preamble of the AOF file " + name + ", AOF loading aborted"
                    : "Error reading the RDB base file " + name + ", AOF loading aborted");
        }
        log.info("Done loading RDB, keys loaded: {}, keys expired: {}.", rdb.lastLoadKeysLoaded(), rdb.lastLoadKeysExpired());
        if (oldStyle) {
            log.info("Reading the remaining AOF tail...");
        }
        return end;
    }

    private void truncated(Path file, String name, boolean last, long validUpTo) throws IOException {
        if (!last) {
            throw new LoadException("Fatal error: the truncated file " + name + " is not the last file");
        }
        if (!loadTruncated) {
            throw new LoadException("Unexpected end of file reading the append only file " + name + ". You can: "
                    + "1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. "
                    + "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
        }
        log.warn("!!! Warning: short read while loading the AOF file {}!!!", name);
        log.warn("!!! Truncating the AOF {} at offset {} !!!", name, validUpTo);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(validUpTo);
            raf.getFD().sync();
        }
        log.warn("AOF {} loaded anyway because aof-load-truncated is enabled", name);
    }

    /** The line after '*' or '$': digits up to CRLF (Redis uses strtol and tolerates little else). */
    private static long parseNumber(byte[] line) throws BadFormat {
        if (line.length == 0) {
            throw new BadFormat();
        }
        long v = 0;
        int i = 0;
        boolean neg = false;
        if (line[0] == '-') {
            neg = true;
            i = 1;
        }
        for (; i < line.length; i++) {
            byte b = line[i];
            if (b < '0' || b > '9' || v > Long.MAX_VALUE / 10) {
                throw new BadFormat();
            }
            v = v * 10 + (b - '0');
        }
        return neg ? -v : v;
    }

    /** A byte stream that knows its offset; EOF inside a line or a bulk is a truncation. */
    private static final class CountingInput implements AutoCloseable {
        private final InputStream in;
        private long offset;

        CountingInput(InputStream in) {
            this.in = in;
        }

        long offset() {
            return offset;
        }

        /** Starts at {@code n} (after an RDB preamble). */
        void skip(long n) throws IOException {
            in.skipNBytes(n);
            offset = n;
        }

        int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                offset++;
            }
            return b;
        }

        /** Up to "\r\n" (excluded); EOF before it is a truncation. */
        byte[] readLine() throws IOException, Truncated {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(16);
            while (true) {
                int b = read();
                if (b == -1) {
                    throw new Truncated();
                }
                if (b == '\n') {
                    byte[] out = line.toByteArray();
                    int n = out.length;
                    if (n > 0 && out[n - 1] == '\r') {
                        return java.util.Arrays.copyOf(out, n - 1);
                    }
                    return out;
                }
                line.write(b);
            }
        }

        byte[] readExactly(int len) throws IOException, Truncated {
            byte[] out = new byte[len];
            int n = 0;
            while (n < len) {
                int r = in.read(out, n, len - n);
                if (r < 0) {
                    throw new Truncated();
                }
                n += r;
                offset += r;
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
