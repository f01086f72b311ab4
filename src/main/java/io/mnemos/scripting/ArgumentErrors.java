package io.mnemos.scripting;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.PositionedError;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * luaL_argerror's words for a library function's bad argument, "bad argument #2 to 'sub' (number
 * expected, got no value)", with the function named as the calling code names it (getfuncname:
 * {@code string.sub} is 'sub', a local alias its local's name, a method's self is argument 0 and
 * "calling 'rep' on bad self", and a function called from a Java one, as pcall(f), is '?').
 * LuaJ's library functions say "bad argument: number expected, got nil" (no number, no name);
 * Mnemos's own say their own name. Each library function is wrapped to re-word what it raises.
 */
final class ArgumentErrors {
    /** Mnemos's functions: luaL_argerror's text with the function's own name. */
    private static final Pattern NAMED = Pattern.compile("bad argument #(-?\\d+) to '[^']*' \\((.*)\\)", Pattern.DOTALL);
    /** LuaJ's LuaValue.argerror(expected). */
    private static final Pattern TYPED = Pattern.compile("bad argument: (.+) expected, got (\\S+)", Pattern.DOTALL);
    /** LuaJ's argerror(i, message). */
    private static final Pattern NUMBERED = Pattern.compile("bad argument #(-?\\d+): (.*)", Pattern.DOTALL);

    /** Functions whose errors are the script's own words (error) or none (pcall returns them). */
    private static final Set<String> UNWRAPPED = Set.of("error", "pcall");

    private ArgumentErrors() {
    }

    /**
     * Wraps every function field of {@code library} (but {@link #UNWRAPPED}); {@code strings} says
     * it is the string library, whose functions (but string.char) take the subject string first.
     */
    static void nameArguments(LuaTable library, boolean strings) {
        for (LuaValue key : library.keys()) {
            LuaValue f = library.rawget(key);
            if (f instanceof LuaFunction function && !(f instanceof Named) && !UNWRAPPED.contains(key.tojstring())) {
                library.rawset(key, new Named(function, strings && !"char".equals(key.tojstring())));
            }
        }
    }

    /** A library function whose argument errors come out in luaL_argerror's words. */
    private static final class Named extends VarArgFunction {
        private final LuaFunction function;
        /** A string library function: argument 1 is the subject string, not what a number check was about. */
        private final boolean skipsSubject;

        Named(LuaFunction function, boolean skipsSubject) {
            this.function = function;
            this.skipsSubject = skipsSubject;
        }

        @Override
        public Varargs invoke(Varargs args) {
            try {
                return function.invoke(args);
            } catch (Reworded | PositionedError | PositionlessError e) {
                throw e;
            } catch (LuaTable.ReadOnlyError e) {
                throw new PositionlessError(e.getMessage()); // raised in C, in Redis
            } catch (LuaError e) {
                // The running engine's calls: string methods reach this function through LuaJ's
                // one string metatable, whichever engine's string table it holds.
                LuaCallStack stack = LuaEngine.runningCalls();
                String[] calledAs = stack == null ? null : stack.calledAs(this);
                String reworded = e instanceof ScriptMessage ? null : reword(e.getMessage(), args, calledAs, skipsSubject);
                String tailCall = stack == null ? null : stack.tailCallPosition(this);
                if (reworded == null) {
                    // luaL_error puts the caller's position in front; LuaJ makes a tail call after
                    // the caller's frame is gone, which would have put it there.
                    LuaValue raised = e.getMessageObject();
                    if (tailCall != null && raised != null && raised.type() == LuaValue.TSTRING
                            && !LuaEngine.hasPosition(e.getMessage())) {
                        throw new PositionedError(e.getMessage(), tailCall);
                    }
                    throw e;
                }
                if (tailCall != null) {
                    // A tail call is made after its frame is gone: the error carries that frame's position.
                    throw new PositionedError(reworded, tailCall);
                }
                // luaL_where(1) is the caller's position, none when the caller is a Java function (pcall).
                if (calledAs != null) {
                    throw new Reworded(reworded);
                }
                throw stack != null && stack.inJavaFunction() ? new PositionlessError(reworded)
                    : PositionlessError.inNestedC(reworded);
            }
        }

        @Override
        public String tojstring() {
            return function.tojstring();
        }
    }

    /** A message of the script's own that a library function raises (assert's): never re-worded. */
    static final class ScriptMessage extends LuaError {
        ScriptMessage(String message) {
            super(message);
        }
    }

    /** An argument error already in Lua 5.1's words: the functions it passes on the way out leave it. */
    private static final class Reworded extends LuaError {
        Reworded(String message) {
            super(message);
        }
    }

    /** luaL_argerror's message for {@code message} (null if it is no argument error), named by {@code calledAs}. */
    static String reword(String message, Varargs args, String[] calledAs, boolean skipsSubject) {
        if (message == null) {
            return null;
        }
        int narg;
        String detail;
        Matcher m;
        if ((m = NAMED.matcher(message)).matches()) {
            narg = Integer.parseInt(m.group(1));
            detail = m.group(2);
        } else if ((m = TYPED.matcher(message)).matches()) {
            String expected = switch (m.group(1)) {
                case "int", "double", "long" -> "number"; // LuaJ's checkint/checkdouble
                default -> m.group(1);
            };
            narg = culprit(args, m.group(2), skipsSubject && !"string".equals(expected) ? 2 : 1);
            detail = "thread".equals(expected)
                    ? "coroutine expected" // the coroutine library's luaL_argcheck
                    : expected + " expected, got " + (narg > args.narg() ? "no value" : m.group(2));
        } else if ((m = NUMBERED.matcher(message)).matches()) {
            narg = Integer.parseInt(m.group(1));
            detail = "value".equals(m.group(2)) ? "value expected" : m.group(2);
        } else {
            return null;
        }
        String name = "?";
        if (calledAs != null) {
            name = calledAs[1];
            if ("method".equals(calledAs[0])) {
                narg--; // self is not counted
                if (narg == 0) {
                    return "calling '" + name + "' on bad self (" + detail + ")";
                }
            }
        }
        return "bad argument #" + narg + " to '" + name + "' (" + detail + ")";
    }

    /**
     * Which argument LuaJ's message is about: the first of that type (functions check their
     * arguments in order), or the one after the last when a nil is missing.
     */
    private static int culprit(Varargs args, String type, int from) {
        for (int i = from; i <= args.narg(); i++) {
            if (args.arg(i).typename().equals(type)) {
                return i;
            }
        }
        return "nil".equals(type) ? Math.max(args.narg() + 1, from) : from;
    }
}
