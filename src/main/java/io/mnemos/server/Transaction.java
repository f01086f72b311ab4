package io.mnemos.server;

import io.mnemos.command.CommandSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One client's MULTI/EXEC state, Redis's {@code mstate} plus the CLIENT_MULTI, CLIENT_DIRTY_CAS and
 * CLIENT_DIRTY_EXEC flags, and the keys it WATCHes.
 */
public final class Transaction {
    /**
     * A command queued between MULTI and EXEC, with the flags it contributes to Redis's
     * mstate.cmd_flags (getCommandFlags at queue time: a script's declared flags replace EVAL's
     * and FCALL's own).
     */
    public record Queued(byte[][] argv, CommandSpec spec, boolean write, boolean denyoom, boolean mayReplicate) {
    }

    private boolean active;
    /** A watched key was touched: EXEC answers with a null array. */
    private boolean dirtyCas;
    /** A command was rejected while queuing: EXEC answers EXECABORT. */
    private boolean dirtyExec;
    private final List<Queued> queued = new ArrayList<>();
    /** Redis's mstate.argv_len_sums: argument bytes plus one pointer per argument (CLIENT LIST multi-mem). */
    private long argvLenSums;
    final List<WatchedKeys.Watch> watches = new ArrayList<>();
    /** EXEC's own request while its queued commands run (the client's argv is theirs then). */
    private byte[][] execArgv;

    public boolean active() {
        return active;
    }

    /** EXEC's request while it runs the queue, else null: what CLIENT LIST reports as the query. */
    public byte[][] execArgv() {
        return execArgv;
    }

    public void execArgv(byte[][] argv) {
        this.execArgv = argv;
    }

    public void begin() {
        active = true;
    }

    public boolean dirtyCas() {
        return dirtyCas;
    }

    public void dirtyCas(boolean dirty) {
        this.dirtyCas = dirty;
    }

    public boolean dirtyExec() {
        return dirtyExec;
    }

    /** Redis's flagTransaction: a command rejected while in MULTI dooms the EXEC. */
    public void flagError() {
        if (active) {
            dirtyExec = true;
        }
    }

    /**
     * queueMultiCommand: a transaction already doomed (a watched key changed, a command refused)
     * keeps nothing, so its EXEC counts as no write (CLIENT PAUSE WRITE lets it answer).
     */
    public void queue(byte[][] argv, CommandSpec spec, boolean write, boolean denyoom, boolean mayReplicate) {
        if (dirtyCas || dirtyExec) {
            return;
        }
        queued.add(new Queued(argv, spec, write, denyoom, mayReplicate));
        for (byte[] a : argv) {
            argvLenSums += a.length + 8;
        }
    }

    public List<Queued> queued() {
        return queued;
    }

    /** CLIENT LIST multi=: the queued commands, or -1 outside MULTI. */
    public int multiCount() {
        return active ? queued.size() : -1;
    }

    public long multiMem() {
        return argvLenSums;
    }

    /**
     * Redis's multiStateMemOverhead (part of CLIENT LIST tot-mem): the queued arguments, 56 bytes
     * per watched key (listNode + watchedKey) and 24 per slot of the queue (multiCmd), which
     * starts at 2 and doubles.
     */
    public long memOverhead() {
        long slots = 0;
        if (!queued.isEmpty()) {
            slots = 2;
            while (slots < queued.size()) {
                slots *= 2;
            }
        }
        return argvLenSums + watches.size() * 56L + slots * 24;
    }

    public boolean watching() {
        return !watches.isEmpty();
    }

    /** Redis's discardTransaction without the unwatch: the queue is dropped and MULTI ends. */
    public void clear() {
        active = false;
        dirtyCas = false;
        dirtyExec = false;
        queued.clear();
        argvLenSums = 0;
    }
}
