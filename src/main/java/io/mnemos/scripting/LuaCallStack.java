package io.mnemos.scripting;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.PositionedError;
import org.luaj.vm2.Prototype;

import java.util.Arrays;

/**
 * The calls of one Lua thread (the script's, or a coroutine's), as the debug hooks see them: the
 * function of each frame (null for a Java one) and the instruction it is at. It enforces the
 * limits of Redis's Lua 5.1 on it: LuaJ recurses on the Java stack and has none, so a runaway
 * recursion ran for seconds, 512 MB deep, and failed with other words.
 */
final class LuaCallStack {
    /**
     * LUAI_MAXCALLS: the calls a Lua thread holds, beyond which Lua says "stack overflow" (a
     * recursion 19999 deep fails there).
     */
    static final int MAX_CALLS = 20000;
    /**
     * Until a Lua thread first overflows, its call array doubles from 8 and the growth past 16384
     * is the overflow (growCI); the error handler then sizes it to LUAI_MAXCALLS for good
     * (restore_stack_limit). So a fresh thread's limit is lower.
     */
    static final int FRESH_MAX_CALLS = 16384;
    /**
     * LUAI_MAXCCALLS: calls entered from C, nested (the script itself, pcall, metamethods, generic
     * for iterators; not a plain call, which Lua's VM makes without the C stack): "C stack overflow".
     */
    static final int MAX_C_CALLS = 200;

    private LuaClosure[] frames = new LuaClosure[32];
    /** Each Lua frame's registers (LuaJ's stack array of that call). */
    private LuaValue[][] registers = new LuaValue[32][];
    /** The instruction each frame of {@link #frames} is at (for a caller, its call). */
    private int[] pcs = new int[32];
    /** Whether each frame counts in {@link #cCalls}. */
    private boolean[] enteredFromC = new boolean[32];
    private int depth;
    private int cCalls;
    /** The frame whose current instruction is a TAILCALL LuaJ has yet to make (after the frame returns), or null. */
    private LuaClosure tailCallFrame;
    private LuaValue[] tailCallRegisters;
    private int tailCallPc;
    int maxCalls = FRESH_MAX_CALLS;

    void clear() {
        Arrays.fill(registers, 0, depth, null);
        tailCallFrame = null;
        tailCallRegisters = null;
        depth = 0;
        cCalls = 0;
    }

    /** Enters a Lua function ({@code c}, with its registers) or a Java one (null), or raises Lua's overflow error. */
    void push(LuaClosure c, LuaValue[] stack) {
        boolean fromC = c != null && calledFromC();
        if (depth + 1 >= maxCalls) {
            maxCalls = MAX_CALLS;
            throw new PositionlessError(where(1) + "stack overflow");
        }
        if (fromC && cCalls + 1 >= MAX_C_CALLS) {
            throw new PositionlessError(where(1) + "C stack overflow");
        }
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
            registers = Arrays.copyOf(registers, depth * 2);
            pcs = Arrays.copyOf(pcs, depth * 2);
            enteredFromC = Arrays.copyOf(enteredFromC, depth * 2);
        }
        pcs[depth] = -1;
        registers[depth] = stack;
        enteredFromC[depth] = fromC;
        frames[depth++] = c;
        if (fromC) {
            cCalls++;
        }
    }

    /** Whether the frame being entered was not called by a Lua function's CALL or TAILCALL. */
    private boolean calledFromC() {
        if (depth == 0 || frames[depth - 1] == null) {
            return true;
        }
        int pc = pcs[depth - 1];
        int[] code = frames[depth - 1].p.code;
        if (pc < 0 || pc >= code.length) {
            return true;
        }
        int op = Lua.GET_OPCODE(code[pc]);
        return op != Lua.OP_CALL && op != Lua.OP_TAILCALL;
    }

    void pop() {
        if (depth > 0) {
            registers[--depth] = null;
            if (enteredFromC[depth]) {
                cCalls--;
            }
        }
    }

    /**
     * Before each instruction: records the instruction the current frame executes, and notes a
     * tail call, which LuaJ makes after the frame has returned where Lua 5.1 makes it in the frame
     * (one of a value that cannot be called fails here, in the frame, as in 5.1). Returns the
     * frame's function, or null for a Java frame.
     */
    Prototype at(int pc) {
        LuaClosure f = depth > 0 ? frames[depth - 1] : null;
        if (f == null) {
            return null;
        }
        pcs[depth - 1] = pc;
        tailCallFrame = null;
        int i = f.p.code[pc];
        if (Lua.GET_OPCODE(i) == Lua.OP_TAILCALL) {
            if (!Lua51RuntimeErrors.callable(registers[depth - 1][Lua.GETARG_A(i)])) {
                throw runtimeError();
            }
            tailCallFrame = f;
            tailCallRegisters = registers[depth - 1];
            tailCallPc = pc;
        }
        return f.p;
    }

    /**
     * Lua 5.1's words for the error the innermost frame's current instruction raises in the VM
     * ({@link Lua51RuntimeErrors}), as an error positioned there; null if that instruction does not
     * fail by itself or the innermost frame is a Java function's.
     */
    PositionedError runtimeError() {
        LuaClosure f = depth > 0 ? frames[depth - 1] : null;
        int pc = f == null ? -1 : pcs[depth - 1];
        if (f == null || pc < 0 || pc >= f.p.code.length) {
            return null;
        }
        String message = Lua51RuntimeErrors.describe(f, pc, registers[depth - 1]);
        if (message == null) {
            return null;
        }
        return new PositionedError(message, position(f.p, pc));
    }

    /**
     * getfuncname: how the calling Lua code names {@code function}, called now, as {kind, name}
     * ("global", "local", "field", "method", "upvalue"); null when a Java function called it.
     */
    String[] calledAs(LuaValue function) {
        if (isTailCalled(function)) {
            return Lua51RuntimeErrors.objectName(tailCallFrame.p, tailCallPc, Lua.GETARG_A(tailCallFrame.p.code[tailCallPc]));
        }
        LuaClosure f = depth > 0 ? frames[depth - 1] : null;
        if (f == null || pcs[depth - 1] < 0) {
            return null;
        }
        int pc = pcs[depth - 1];
        int i = f.p.code[pc];
        int op = Lua.GET_OPCODE(i);
        if ((op != Lua.OP_CALL && op != Lua.OP_TFORCALL) || registers[depth - 1][Lua.GETARG_A(i)] != function) {
            return null;
        }
        return Lua51RuntimeErrors.objectName(f.p, pc, Lua.GETARG_A(i));
    }

    /** The position ("@user_script:3") of the tail call now calling {@code function}, or null if it is not tail-called. */
    String tailCallPosition(LuaValue function) {
        return isTailCalled(function) ? position(tailCallFrame.p, tailCallPc) : null;
    }

    private boolean isTailCalled(LuaValue function) {
        return tailCallFrame != null && tailCallRegisters[Lua.GETARG_A(tailCallFrame.p.code[tailCallPc])] == function;
    }

    private static String position(Prototype p, int pc) {
        String line = p.lineinfo != null && pc < p.lineinfo.length ? String.valueOf(p.lineinfo[pc]) : "?";
        return p.source.tojstring() + ":" + line;
    }

    /** Whether the innermost frame is a Java function's. */
    boolean inJavaFunction() {
        return depth > 0 && frames[depth - 1] == null;
    }

    /**
     * luaL_where(level) for a Java function called from the script: "user_script:7: " for the Lua
     * function {@code level} frames up, "" for pcall (a C function in Redis) or beyond the
     * script's own frames.
     */
    String where(int level) {
        int i = depth - level;
        if (i < 0 || frames[i] == null) {
            return "";
        }
        Prototype p = frames[i].p;
        int pc = pcs[i];
        if (p.lineinfo == null || pc < 0 || pc >= p.lineinfo.length) {
            return "";
        }
        String source = p.source.tojstring();
        return (source.startsWith("@") ? source.substring(1) : source) + ":" + p.lineinfo[pc] + ": ";
    }
}
