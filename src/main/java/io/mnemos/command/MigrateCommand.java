package io.mnemos.command;

import io.mnemos.persistence.DumpPayload;
import io.mnemos.protocol.RespBuffer;
import io.mnemos.server.Client;
import io.mnemos.server.MigrateSockets;
import io.mnemos.store.Entry;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
 * [AUTH2 username password] [KEYS key...], a port of Redis 7.0's migrateCommand: the keys go to
 * the target as pipelined RESTOREs of their DUMP payloads (after AUTH and a SELECT when the cached
 * connection has another database selected), and without COPY each one the target acknowledged is
 * deleted here and propagated as DEL. Like Redis, the exchange is synchronous on the keyspace
 * thread, bounded by the timeout; a connection that broke before the first reply is retried once.
 */
public final class MigrateCommand implements CommandFamily {
    private static final byte[] AUTH = bytes("AUTH");
    private static final byte[] SELECT = bytes("SELECT");
    private static final byte[] RESTORE = bytes("RESTORE");
    private static final byte[] REPLACE = bytes("REPLACE");
    private static final byte[] DEL = bytes("DEL");

    @Override
    public List<CommandSpec> commands() {
        return List.of(command("migrate", -6).flags(WRITE, MOVABLEKEYS).keys(3, 3, 1).categories("keyspace",
                "dangerous").group("generic").since("2.6.0").handler(MigrateCommand::migrate).build());
    }

    private static void migrate(Client c) {
        boolean copy = false;
        boolean replace = false;
        byte[] username = null;
        byte[] password = null;
        int firstKey = 3;
        int numKeys = 1;
        int argc = c.argc();
        for (int j = 6; j < argc; j++) {
            int moreArgs = argc - 1 - j;
            if (Args.is(c.arg(j), "copy")) {
                copy = true;
            } else if (Args.is(c.arg(j), "replace")) {
                replace = true;
            } else if (Args.is(c.arg(j), "auth")) {
                if (moreArgs == 0) {
                    throw CommandError.SYNTAX;
                }
                password = c.arg(++j);
            } else if (Args.is(c.arg(j), "auth2")) {
                if (moreArgs < 2) {
                    throw CommandError.SYNTAX;
                }
                username = c.arg(++j);
                password = c.arg(++j);
            } else if (Args.is(c.arg(j), "keys")) {
                if (c.arg(3).length != 0) {
                    throw CommandError.err("When using MIGRATE KEYS option, the key argument must be set to the "
                            + "empty string");
                }
                firstKey = j + 1;
                numKeys = argc - j - 1;
                break;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        long timeout = Args.parseLong(c.arg(5));
        long dbid = Args.parseLong(c.arg(4));
        if (timeout <= 0) {
            timeout = 1000;
        }
        List<byte[]> keys = new ArrayList<>(numKeys);
        List<Entry> entries = new ArrayList<>(numKeys);
        for (int j = 0; j < numKeys; j++) {
            Entry e = c.db().lookupRead(c.arg(firstKey + j));
            if (e != null) {
                keys.add(c.arg(firstKey + j));
                entries.add(e);
            }
        }
        if (keys.isEmpty()) {
            c.reply().simple("NOKEY");
            return;
        }
        String host = new String(c.arg(1), StandardCharsets.UTF_8);
        int port = io.mnemos.util.Numbers.atoi(c.arg(2)); // as Redis reads the port
        MigrateSockets sockets = c.server().migrateSockets();
        boolean mayRetry = true;
        while (true) {
            MigrateSockets.Target target;
            try {
                target = sockets.get(host, port, timeout);
            } catch (java.net.ConnectException refused) {
                // Redis connects without blocking: a refused connection shows as the write failing.
                target = null;
            } catch (IOException e) {
                throw new CommandError("IOERR error or timeout connecting to the client");
            }
            Exchange x = null;
            try {
                if (target == null) {
                    throw new IOException("connection refused");
                }
                x = new Exchange(c, target, keys, entries, dbid, replace, username, password);
                x.send();
            } catch (IOException e) {
                sockets.close(host, port);
                if (!(e instanceof SocketTimeoutException) && mayRetry) {
                    mayRetry = false;
                    continue;
                }
                throw new CommandError("IOERR error or timeout writing to target instance");
            }
            IOException readError = x.readReplies(copy);
            if (readError != null && x.error == null && x.acknowledged == 0 && mayRetry
                    && !(readError instanceof SocketTimeoutException)) {
                sockets.close(host, port);
                mayRetry = false;
                continue; // nothing was processed: a stale cached connection, try a new one
            }
            if (readError != null) {
                sockets.close(host, port);
            }
            if (!copy && !x.deleted.isEmpty()) {
                // Propagated as DEL of the keys the target acknowledged (replaceClientCommandVector).
                byte[][] del = new byte[x.deleted.size() + 1][];
                del[0] = DEL;
                for (int i = 0; i < x.deleted.size(); i++) {
                    del[i + 1] = x.deleted.get(i);
                }
                c.server().propagation().propagateInstead(del);
            }
            // Replied here rather than thrown: the DEL of what the target took is propagated all the same.
            if (x.error != null) {
                c.server().dispatcher().replyFailed(c, "ERR Target instance replied with error: " + x.error);
            } else if (readError != null) {
                c.server().dispatcher().replyFailed(c, "IOERR error or timeout reading to target instance");
            } else {
                target.lastDbid = (int) dbid;
                c.reply().ok();
            }
            return;
        }
    }

    /** One round trip: AUTH, SELECT, a RESTORE per key still alive, then their replies. */
    private static final class Exchange {
        private final Client c;
        private final MigrateSockets.Target target;
        private final List<byte[]> keys;
        private final List<Entry> entries;
        private final long dbid;
        private final boolean replace;
        private final byte[] username;
        private final byte[] password;
        private final boolean select;
        private final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> deleted = new ArrayList<>();
        String error;
        int acknowledged;

        Exchange(Client c, MigrateSockets.Target target, List<byte[]> keys, List<Entry> entries, long dbid,
                 boolean replace, byte[] username, byte[] password) {
            this.c = c;
            this.target = target;
            this.keys = keys;
            this.entries = entries;
            this.dbid = dbid;
            this.replace = replace;
            this.username = username;
            this.password = password;
            this.select = target.lastDbid != dbid;
        }

        void send() throws IOException {
            RespBuffer cmd = new RespBuffer(4096, Integer.MAX_VALUE);
            if (password != null) {
                cmd.command(username != null ? new byte[][]{AUTH, username, password} : new byte[][]{AUTH, password});
            }
            if (select) {
                cmd.command(new byte[][]{SELECT, bytes(Long.toString(dbid))});
            }
            long now = System.currentTimeMillis();
            boolean compress = c.server().config().rdb.compression;
            for (int j = 0; j < keys.size(); j++) {
                Entry e = entries.get(j);
                long ttl = 0;
                if (e.expireAt() != Entry.NO_EXPIRY) {
                    ttl = e.expireAt() - now;
                    if (ttl < 0) {
                        continue; // expired since the lookup (serializing takes time)
                    }
                    ttl = Math.max(ttl, 1);
                }
                sent.add(keys.get(j));
                byte[] payload = DumpPayload.create(e.value(), compress);
                byte[] ttlText = bytes(Long.toString(ttl));
                cmd.command(replace ? new byte[][]{RESTORE, keys.get(j), ttlText, payload, REPLACE}
                        : new byte[][]{RESTORE, keys.get(j), ttlText, payload});
            }
            target.write(cmd.array(), cmd.length());
        }

        /** Reads every reply; returns the I/O error that cut it short, if any. */
        IOException readReplies(boolean copy) {
            try {
                String auth = password != null ? target.readLine() : null;
                String selected = select ? target.readLine() : null;
                for (byte[] key : sent) {
                    String reply = target.readLine();
                    String failed = auth != null && auth.startsWith("-") ? auth
                            : selected != null && selected.startsWith("-") ? selected
                            : reply.startsWith("-") ? reply : null;
                    if (failed != null) {
                        if (error == null) {
                            target.lastDbid = -1; // on error the selected database is no longer known
                            error = failed.substring(1);
                        }
                    } else {
                        acknowledged++;
                        if (!copy) {
                            c.db().delete(key);
                            c.server().keyspace().stats().dirty++;
                            deleted.add(key);
                        }
                    }
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
