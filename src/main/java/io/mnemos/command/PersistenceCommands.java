package io.mnemos.command;

import io.mnemos.persistence.CommandPropagation;
import io.mnemos.persistence.DumpPayload;
import io.mnemos.persistence.EncodingLimits;
import io.mnemos.persistence.RdbFormatException;
import io.mnemos.persistence.RdbPersistence;
import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.util.Numbers;

import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.ASKING;
import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_ASYNC_LOADING;
import static io.mnemos.command.CommandFlag.NO_MULTI;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/** RDB persistence commands: SAVE, BGSAVE, DUMP, RESTORE. */
public final class PersistenceCommands implements CommandFamily {
    private static final byte[] ABSTTL = "ABSTTL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("save", 1).flags(NO_ASYNC_LOADING, ADMIN, NOSCRIPT, NO_MULTI).categories("admin", "dangerous")
                        .group("server").since("1.0.0").summary("Synchronously save the dataset to disk")
                        .complexity("O(N) where N is the total number of keys in all databases")
                        .handler(PersistenceCommands::save).build(),
                command("bgsave", -1).flags(NO_ASYNC_LOADING, ADMIN, NOSCRIPT).categories("admin", "dangerous")
                        .group("server").since("1.0.0").summary("Asynchronously save the dataset to disk")
                        .complexity("O(1)")
                        .handler(PersistenceCommands::bgsave).build(),
                command("dump", 2).flags(READONLY).keys(1, 1, 1).group("generic").since("2.6.0")
                        .summary("Return a serialized version of the value stored at the specified key.")
                        .complexity("O(1) to access the key and additional O(N*M) to serialize it, where N is the "
                                + "number of Redis objects composing the value and M their average size. For small "
                                + "string values the time complexity is thus O(1)+O(1*M) where M is small, so "
                                + "simply O(1).")
                        .handler(PersistenceCommands::dump).build(),
                command("restore", -4).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("dangerous")
                        .group("generic").since("2.6.0")
                        .summary("Create a key using the provided serialized value, previously obtained using DUMP.")
                        .complexity("O(1) to create the new key and additional O(N*M) to reconstruct the serialized "
                                + "value, where N is the number of Redis objects composing the value and M their "
                                + "average size. For small string values the time complexity is thus O(1)+O(1*M) "
                                + "where M is small, so simply O(1). However for sorted set values the complexity is "
                                + "O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).")
                        .handler(PersistenceCommands::restore).build(),
                // A cluster's RESTORE after an -ASK redirect; without a cluster it is RESTORE.
                command("restore-asking", -4).flags(WRITE, DENYOOM, ASKING).keys(1, 1, 1).group("server")
                        .since("3.0.0").handler(PersistenceCommands::restore).build());
    }

    private static void save(Client c) {
        RdbPersistence p = c.server().persistence();
        if (p.bgsaveInProgress()) {
            throw CommandError.err("Background save already in progress");
        }
        if (p.saveOnRequest()) {
            c.reply().ok();
        } else {
            throw new CommandError("ERR"); // shared.err, counted in errorstats and failed_calls
        }
    }

    private static void bgsave(Client c) {
        boolean schedule = false;
        if (c.argc() > 1) {
            if (c.argc() == 2 && Args.is(c.arg(1), "schedule")) {
                schedule = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        RdbPersistence p = c.server().persistence();
        if (p.bgsaveInProgress()) {
            throw CommandError.err("Background save already in progress");
        }
        if (c.server().backgroundJobActive() || c.inMulti()) {
            if (!schedule && !c.inMulti()) {
                throw CommandError.err("Another child process is active (AOF?): can't BGSAVE right now. "
                        + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
            p.scheduleBgsave();
            c.reply().simple("Background saving scheduled");
            return;
        }
        if (p.bgsave()) {
            c.reply().simple("Background saving started");
        } else {
            throw new CommandError("ERR"); // shared.err, counted in errorstats and failed_calls
        }
    }

    private static void dump(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        // Strings longer than 20 bytes are LZF-compressed as in a dump file: only with rdbcompression.
        c.reply().bulk(DumpPayload.create(e.value(), c.server().config().rdb.compression));
    }

    private static void restore(Client c) {
        boolean replace = false;
        boolean absttl = false;
        long idle = -1;
        long freq = -1;
        for (int j = 4; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            byte[] a = c.arg(j);
            if (Args.is(a, "replace")) {
                replace = true;
            } else if (Args.is(a, "absttl")) {
                absttl = true;
            } else if (Args.is(a, "idletime") && additional >= 1 && freq == -1) {
                idle = Args.parseLong(c.arg(++j));
                if (idle < 0) {
                    throw CommandError.err("Invalid IDLETIME value, must be >= 0");
                }
            } else if (Args.is(a, "freq") && additional >= 1 && idle == -1) {
                freq = Args.parseLong(c.arg(++j));
                if (freq < 0 || freq > 255) {
                    throw CommandError.err("Invalid FREQ value, must be >= 0 and <= 255");
                }
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Database db = c.db();
        byte[] key = c.arg(1);
        if (!replace && db.lookupWrite(key) != null) {
            throw new CommandError("BUSYKEY Target key name already exists.");
        }
        long ttl = Args.parseLong(c.arg(2));
        if (ttl < 0) {
            throw CommandError.err("Invalid TTL value, must be >= 0");
        }
        byte[] payload = c.arg(3);
        if (!DumpPayload.verify(payload)) {
            throw CommandError.err("DUMP payload version or checksum are wrong");
        }
        Object value;
        try {
            value = DumpPayload.value(payload, EncodingLimits.of(c.server().config()));
        } catch (RdbFormatException e) {
            throw CommandError.err("Bad data format");
        }
        boolean deleted = replace && db.delete(key);
        if (ttl != 0 && !absttl) {
            ttl += db.now();
        }
        if (ttl != 0 && ttl < db.now()) {
            if (deleted) {
                // A replica (or the AOF) keeps a key restored already expired until told to
                // delete it: propagate the deletion, as Redis does, not the RESTORE.
                c.server().propagation().propagateInstead(CommandPropagation.del(key));
                Events.generic(c, "del", key);
                c.server().keyspace().stats().dirty++;
            }
            c.reply().ok();
            return;
        }
        Entry e = db.add(key, value);
        if (ttl != 0) {
            db.setExpire(e, ttl);
            if (!absttl) {
                // Propagate the TTL as the absolute time it became here, with ABSTTL appended.
                byte[][] argv = new byte[c.argc() + 1][];
                for (int i = 0; i < c.argc(); i++) {
                    argv[i] = c.arg(i);
                }
                argv[2] = Numbers.toBytes(ttl);
                argv[c.argc()] = ABSTTL;
                c.server().propagation().propagateInstead(argv);
            }
        }
        db.setAccess(e, freq, idle);
        Events.generic(c, "restore", key);
        c.reply().ok();
        c.server().keyspace().stats().dirty++;
    }
}
