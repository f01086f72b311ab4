package io.mnemos.scripting;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A script run that starts on the keyspace thread, as Redis runs every script, and can be
 * suspended there to go on on another thread: the JDK's own one-shot continuations
 * ({@code jdk.internal.vm.Continuation}, what virtual threads are made of).
 *
 * <p>Why: almost every script ends within microseconds, and handing each one to a script thread
 * and waiting for it cost two thread wake-ups (an EVALSHA ran at a fifteenth of Redis's rate). Only
 * a script still running at busy-reply-threshold needs the keyspace thread back, to answer other
 * clients with -BUSY and take SCRIPT KILL; that one is suspended at its next interrupt check and
 * resumed on the script thread.
 *
 * <p>The package is not exported: the jar's manifest opens it ({@code Add-Exports}), the tests'
 * JVM gets {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}. Where it is closed (Mnemos
 * embedded in a JVM started otherwise), {@link #AVAILABLE} is false and every script takes the
 * script thread from the start, as before.
 */
final class ResumableScript {
    /** The continuation API's handles, or null where the package is closed to Mnemos. */
    private static final Handles JDK = lookUp();
    static final boolean AVAILABLE = JDK != null;

    private record Handles(Object scope, MethodHandle create, MethodHandle run, MethodHandle isDone,
                           MethodHandle yield) {
    }

    private static Handles lookUp() {
        try {
            Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> continuation = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            return new Handles(
                    lookup.findConstructor(scopeClass, MethodType.methodType(void.class, String.class))
                            .invoke("mnemos-script"),
                    lookup.findConstructor(continuation, MethodType.methodType(void.class, scopeClass, Runnable.class)),
                    lookup.findVirtual(continuation, "run", MethodType.methodType(void.class)),
                    lookup.findVirtual(continuation, "isDone", MethodType.methodType(boolean.class)),
                    lookup.findStatic(continuation, "yield", MethodType.methodType(boolean.class, scopeClass)));
        } catch (Throwable closed) {
            return null; // not exported to this module: scripts use the script thread
        }
    }

    private final Object continuation;

    /** A suspendable run of {@code body}; call {@link #run} to start it. Needs {@link #AVAILABLE}. */
    ResumableScript(Runnable body) {
        try {
            continuation = JDK.create().invoke(JDK.scope(), body);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Runs the script on this thread until it ends or {@link #suspend}s; again to resume it. */
    void run() {
        try {
            JDK.run().invoke(continuation);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    boolean isDone() {
        try {
            return (boolean) JDK.isDone().invoke(continuation);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * From inside a running script: suspends it, so that {@link #run} returns to its caller; it
     * returns here once the script is resumed. False, and nothing happens, when the script cannot be
     * suspended now: called on another thread (a LuaJ coroutine runs on one of its own) or with the
     * thread pinned to the script (a held monitor, a native frame).
     */
    static boolean suspend() {
        if (JDK == null) {
            return false;
        }
        try {
            return (boolean) JDK.yield().invoke(JDK.scope());
        } catch (Throwable notNow) {
            return false;
        }
    }
}
